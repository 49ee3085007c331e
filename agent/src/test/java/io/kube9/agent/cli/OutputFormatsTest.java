package io.kube9.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OutputFormatsTest {
    @ParameterizedTest(name = "[{0}] -> [{1}]")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', value = {
        "plain            | plain",
        "a,b              | \"a,b\"",
        "say \"hi\"       | \"say \"\"hi\"\"\"",
        "' lead'          | \" lead\"",
        "'trail '         | \"trail \"",
        "''               | ''",
    })
    void csvQuotesOnlyWhatNeedsIt(String field, String expected) {
        assertThat(Csv.line(List.of(field))).isEqualTo(expected);
    }

    @Test
    void csvLineBreaksAndNulls() {
        assertThat(Csv.line(Arrays.asList("a\r\nb", null, "c"))).isEqualTo("\"a\r\nb\",,c");
    }

    @Test
    void neitherCsvNorJsonLetsEventDataActOnTheTerminal() {
        String hostile = "title\u001b]0;pwned\u0007 red\u001b[31m csi\u009b2J del\u007f tab\tend";

        assertThat(Csv.line(List.of(hostile, "a,b"))).isEqualTo("title\\u001b]0;pwned\\u0007 red\\u001b[31m"
                + " csi\\u009b2J del\\u007f tab\tend,\"a,b\"");
        assertThat(Json.compact(Map.of("t", hostile))).isEqualTo("{\"t\":\"title\\u001b]0;pwned\\u0007"
                + " red\\u001b[31m csi\\u009b2J del\\u007f tab\\tend\"}");
    }

    @Test
    void jsonEscapesAndNests() {
        Map<String, Object> object = new LinkedHashMap<>();
        object.put("text", "quote \" backslash \\ newline \n tab \t bell \u0007 line-sep \u2028");
        object.put("none", null);
        object.put("count", 3L);
        object.put("rate", new BigDecimal("0.5556"));
        object.put("list", List.of(1, true));

        assertThat(Json.compact(object)).isEqualTo("{\"text\":\"quote \\\" backslash \\\\ newline \\n tab \\t bell"
                + " \\u0007 line-sep \\u2028\",\"none\":null,\"count\":3,\"rate\":0.5556,\"list\":[1,true]}");
        Map<String, Object> nested = new LinkedHashMap<>();
        nested.put("rows", List.of(Map.of("b", 1), Map.of()));
        nested.put("window", Map.of("d", List.of()));
        assertThat(Json.pretty(nested)).isEqualTo("{\n  \"rows\": [\n    {\"b\":1},\n    {}\n  ],\n"
                + "  \"window\": {\n    \"d\": []\n  }\n}");
    }

    @Test
    void tableAlignsAndRightAlignsNumbers() {
        TextTable table = new TextTable("NAME", "COUNT").alignRight(1);
        table.add("short", "7");
        table.add("a longer name", "1234");
        table.add(null, "0");
        StringWriter text = new StringWriter();
        table.print(new PrintWriter(text, true));

        assertThat(text.toString().split("\\R")).containsExactly(
                "NAME           COUNT",
                "short              7",
                "a longer name   1234",
                "-                  0");
    }

    @Test
    void cellsAreCutBetweenCharactersNeverInsideOne() {
        String rocket = "\uD83D\uDE80"; // U+1F680: a surrogate pair

        // The cut after 7 chars falls between the pair's halves: the emoji goes whole.
        assertThat(TextTable.cut("abcdef" + rocket + "ghij", 10)).isEqualTo("abcdef...");
        assertThat(TextTable.cut("abcde" + rocket + "fghij", 10)).isEqualTo("abcde" + rocket + "...");
        assertThat(TextTable.cut("abc" + rocket, 10)).isEqualTo("abc" + rocket);
        assertThat(TextTable.cutLeft("abcd" + rocket + "efghij", 10)).isEqualTo("...efghij");
        assertThat(TextTable.cutLeft("abcde" + rocket + "fghij", 10)).isEqualTo("..." + rocket + "fghij");
    }

    @Test
    void wideAndCombiningCharactersAreMeasuredInTheColumnsATerminalGivesThem() {
        TextTable table = new TextTable("TYPE", "N").alignRight(1);
        table.add("\u6ce8\u6587.\u4f5c\u6210", "1"); // 注文.作成: four wide characters and a dot, 9 columns
        table.add("cafe\u0301.paid", "2"); // an e and its combining accent: one column
        table.add("order.created", "3");
        StringWriter text = new StringWriter();
        table.print(new PrintWriter(text, true));

        assertThat(text.toString().split("\\R")).containsExactly(
                "TYPE           N",
                "\u6ce8\u6587.\u4f5c\u6210      1",
                "cafe\u0301.paid      2",
                "order.created  3");
        assertThat(TextTable.cut("\u6ce8".repeat(30), 48)).isEqualTo("\u6ce8".repeat(22) + "...");
        assertThat(TextTable.cut("e\u0301".repeat(60), 48)).isEqualTo("e\u0301".repeat(45) + "...");
        assertThat(TextTable.cutLeft("ab" + "e\u0301".repeat(10), 10))
                .as("no accent left without its letter").isEqualTo("..." + "e\u0301".repeat(7));
        assertThat(TextTable.width("\uD83D\uDE80 ok")).isEqualTo(5);
        assertThat(TextTable.width("\u2705\u274c\u2b50\u26a1")).as("emoji among the symbols").isEqualTo(8);
        assertThat(TextTable.width("\u2713\u2605\u2192")).as("their narrow neighbours").isEqualTo(3);
        assertThat(TextTable.width("\uD83D\uDFE2\uD83E\uDE77")).as("U+1F7E2, U+1FA77").isEqualTo(4);
    }

    @Test
    void directionControlsAndUnicodeLineBreaksAreEscapedInEveryTextFormat() {
        // A right-to-left override reorders the rest of its line on terminals that honour it.
        String value = "bidi\u202eevil\u2066x\u2069\u200f line\u2028para\u2029";
        String escaped = "bidi\\u202eevil\\u2066x\\u2069\\u200f line\\u2028para\\u2029";

        assertThat(TextTable.printable(value)).isEqualTo(escaped);
        assertThat(TextTable.printable(value, true)).isEqualTo(escaped);
        assertThat(Csv.line(List.of(value))).isEqualTo(escaped);
        assertThat(Json.compact(Map.of("v", value))).isEqualTo("{\"v\":\"" + escaped + "\"}");
        assertThat(TextTable.printable("\u05e9\u05dc\u05d5\u05dd \u0645\u0631\u062d\u0628\u0627"))
                .as("right-to-left text itself is left as it is").isEqualTo("\u05e9\u05dc\u05d5\u05dd \u0645\u0631\u062d\u0628\u0627");
    }

    @Test
    void shortSourceDropsThePackage() {
        assertThat(EventViews.shortSource("com.example.orders.OrderStore#append")).isEqualTo("OrderStore#append");
        assertThat(EventViews.shortSource("com.example.Outer$Inner#on")).isEqualTo("Outer$Inner#on");
        assertThat(EventViews.shortSource("NoPackage#run")).isEqualTo("NoPackage#run");
        assertThat(EventViews.shortSource("com.example.NoMethod")).isEqualTo("NoMethod");
    }
}
