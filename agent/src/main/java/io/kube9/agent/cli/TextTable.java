package io.kube9.agent.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Columns aligned for a terminal, two spaces apart. Cells come from event data, so they are made
 * printable (a stray escape sequence must not repaint the operator's terminal), measured in the
 * columns a terminal gives them (a Japanese character takes two) and cut at {@link #MAX_CELL}
 * columns unless a column allows more.
 */
final class TextTable {
    static final int MAX_CELL = 48;
    static final String NONE = "-";

    private final List<String> headers;
    private final boolean[] rightAligned;
    private final int[] maxWidths;
    private final List<List<String>> rows = new ArrayList<>();

    TextTable(String... headers) {
        this.headers = Arrays.asList(headers);
        this.rightAligned = new boolean[headers.length];
        this.maxWidths = new int[headers.length];
        Arrays.fill(maxWidths, MAX_CELL);
    }

    /** For a column worth more of the terminal than {@link #MAX_CELL}. */
    TextTable maxWidth(int column, int width) {
        maxWidths[column] = width;
        return this;
    }

    /** Numbers read best aligned on their last digit. */
    TextTable alignRight(int... columns) {
        for (int column : columns) {
            rightAligned[column] = true;
        }
        return this;
    }

    void add(String... cells) {
        if (cells.length != headers.size()) {
            throw new IllegalArgumentException(cells.length + " cells for " + headers.size() + " columns");
        }
        List<String> row = new ArrayList<>(cells.length);
        for (int i = 0; i < cells.length; i++) {
            row.add(cut(printable(cells[i] == null ? NONE : cells[i]), maxWidths[i]));
        }
        rows.add(row);
    }

    boolean isEmpty() {
        return rows.isEmpty();
    }

    void print(PrintWriter out) {
        int[] widths = new int[headers.size()];
        for (int i = 0; i < widths.length; i++) {
            widths[i] = headers.get(i).length();
            for (List<String> row : rows) {
                widths[i] = Math.max(widths[i], width(row.get(i)));
            }
        }
        printRow(out, headers, widths);
        for (List<String> row : rows) {
            printRow(out, row, widths);
        }
    }

    private void printRow(PrintWriter out, List<String> cells, int[] widths) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < cells.size(); i++) {
            boolean last = i == cells.size() - 1;
            String cell = cells.get(i);
            int padding = widths[i] - width(cell);
            if (rightAligned[i]) {
                line.append(" ".repeat(padding)).append(cell);
            } else {
                line.append(cell);
                if (!last) {
                    line.append(" ".repeat(padding));
                }
            }
            if (!last) {
                line.append("  ");
            }
        }
        out.println(line.toString().stripTrailing());
    }

    /** Control characters become visible escapes instead of acting on the terminal. */
    static String printable(String text) {
        return printable(text, false);
    }

    /**
     * Control characters become visible escapes instead of acting on the terminal; with {@code
     * keepLineBreaks}, tabs and line breaks stay as they are (CSV quotes them). Escaped too: the
     * bidirectional controls, with which a value reorders the rest of its line on a terminal that
     * honours them (one row made to read as another), and the Unicode line and paragraph
     * separators.
     */
    static String printable(String text, boolean keepLineBreaks) {
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean control = (c < 0x20 && !(keepLineBreaks && (c == '\t' || c == '\n' || c == '\r')))
                    || (c >= 0x7f && c <= 0x9f) || isDirectionOrSeparator(c);
            if (control && out == null) {
                out = new StringBuilder(text.length() + 8).append(text, 0, i);
            }
            if (out != null) {
                if (!control) {
                    out.append(c);
                } else if (c == '\n') {
                    out.append("\\n");
                } else if (c == '\t') {
                    out.append("\\t");
                } else if (c == '\r') {
                    out.append("\\r");
                } else {
                    out.append(String.format("\\u%04x", (int) c));
                }
            }
        }
        return out == null ? text : out.toString();
    }

    /** U+061C, U+200E/F, U+202A-E and U+2066-9 (direction marks, embeddings, isolates), U+2028/9. */
    static boolean isDirectionOrSeparator(char c) {
        return c == '\u061c' || c == '\u200e' || c == '\u200f' || (c >= '\u2028' && c <= '\u202e')
                || (c >= '\u2066' && c <= '\u2069');
    }

    /**
     * At most {@code max} terminal columns ({@link #width}), "..." included when cut; never cut
     * inside a character: a surrogate pair (an emoji) is kept or left out whole, where its first
     * half alone was printed as '?', and a combining mark stays with the character it marks.
     */
    static String cut(String text, int max) {
        if (text.length() <= max / 2 || width(text) <= max) { // a character takes 2 columns at most
            return text;
        }
        int budget = max - 3;
        int end = 0;
        int used = 0;
        while (end < text.length()) {
            int c = text.codePointAt(end);
            used += width(c);
            if (used > budget) {
                break;
            }
            end += Character.charCount(c);
        }
        return text.substring(0, end) + "...";
    }

    /** For paths, whose end says the most; like {@link #cut}, never inside a character. */
    static String cutLeft(String text, int max) {
        if (text.length() <= max / 2 || width(text) <= max) {
            return text;
        }
        int budget = max - 3;
        int start = text.length();
        int used = 0;
        while (start > 0) {
            int c = text.codePointBefore(start);
            used += width(c);
            if (used > budget) {
                break;
            }
            start -= Character.charCount(c);
        }
        while (start < text.length() && width(text.codePointAt(start)) == 0) {
            start += Character.charCount(text.codePointAt(start)); // a mark whose character was cut off
        }
        return "..." + text.substring(start);
    }

    /**
     * The columns a terminal gives {@code text}, which {@link #printable} made free of control
     * characters: 2 for each East Asian wide or full-width character (and the emoji terminals draw
     * wide), 0 for combining marks and zero-width format characters, 1 for the rest. Counting
     * chars instead pushed every column after a Japanese event type to the right.
     */
    static int width(String text) {
        int width = 0;
        for (int i = 0; i < text.length(); ) {
            int c = text.codePointAt(i);
            width += width(c);
            i += Character.charCount(c);
        }
        return width;
    }

    static int width(int c) {
        if (c < 0x300) {
            return 1; // Latin, at a glance
        }
        int type = Character.getType(c);
        if (type == Character.NON_SPACING_MARK || type == Character.ENCLOSING_MARK || type == Character.FORMAT
                || (c >= 0x1160 && c <= 0x11ff)) { // Hangul vowels and finals join the syllable before them
            return 0;
        }
        return isWide(c) ? 2 : 1;
    }

    /**
     * Unicode's East Asian Wide and Fullwidth ranges, as terminals' own width tables have them,
     * the emoji drawn wide among the symbols included (EastAsianWidth.txt, W).
     */
    private static boolean isWide(int c) {
        if (c >= 0x231a && c <= 0x2b55) {
            return isWideSymbol(c);
        }
        return (c >= 0x1100 && c <= 0x115f) // Hangul initial consonants
                || (c >= 0x2e80 && c <= 0xa4cf && c != 0x303f) // CJK radicals and symbols, kana, ideographs, Yi
                || (c >= 0xac00 && c <= 0xd7a3) // Hangul syllables
                || (c >= 0xf900 && c <= 0xfaff) // CJK compatibility ideographs
                || (c >= 0xfe10 && c <= 0xfe19) // vertical forms
                || (c >= 0xfe30 && c <= 0xfe6f) // CJK compatibility and small forms
                || (c >= 0xff00 && c <= 0xff60) // full-width forms
                || (c >= 0xffe0 && c <= 0xffe6)
                || c == 0x1f004 || c == 0x1f0cf || c == 0x1f18e || (c >= 0x1f191 && c <= 0x1f19a)
                || (c >= 0x1f200 && c <= 0x1f251) // enclosed ideographs
                || (c >= 0x1f300 && c <= 0x1f64f) // pictographs and emoticons
                || (c >= 0x1f680 && c <= 0x1f6ff) // transport and map symbols
                || (c >= 0x1f7e0 && c <= 0x1f7eb) // coloured circles and squares
                || (c >= 0x1f90c && c <= 0x1f9ff) // supplemental pictographs
                || (c >= 0x1fa70 && c <= 0x1faff) // symbols and pictographs, extended
                || (c >= 0x20000 && c <= 0x3fffd); // CJK ideographs beyond the basic plane
    }

    /** The wide ones among the symbols from U+231A to U+2B55 (most there are narrow). */
    private static boolean isWideSymbol(int c) {
        switch (c) {
            case 0x231a: case 0x231b: case 0x2329: case 0x232a: case 0x23e9: case 0x23ea: case 0x23eb:
            case 0x23ec: case 0x23f0: case 0x23f3: case 0x25fd: case 0x25fe: case 0x2614: case 0x2615:
            case 0x267f: case 0x2693: case 0x26a1: case 0x26aa: case 0x26ab: case 0x26bd: case 0x26be:
            case 0x26c4: case 0x26c5: case 0x26ce: case 0x26d4: case 0x26ea: case 0x26f2: case 0x26f3:
            case 0x26f5: case 0x26fa: case 0x26fd: case 0x2705: case 0x270a: case 0x270b: case 0x2728:
            case 0x274c: case 0x274e: case 0x2753: case 0x2754: case 0x2755: case 0x2757: case 0x2795:
            case 0x2796: case 0x2797: case 0x27b0: case 0x27bf: case 0x2b1b: case 0x2b1c: case 0x2b50:
            case 0x2b55:
                return true;
            default:
                return c >= 0x2648 && c <= 0x2653; // the zodiac signs
        }
    }
}
