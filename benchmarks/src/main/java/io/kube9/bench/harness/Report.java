package io.kube9.bench.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/** The printed result: markdown tables, one per section, collected in order. */
public final class Report {
    private final StringBuilder text = new StringBuilder();

    /** A markdown table under construction. */
    public static final class Table {
        private final List<String[]> rows = new ArrayList<>();

        public Table(String... header) {
            rows.add(header);
        }

        public Table row(Object... cells) {
            String[] row = new String[cells.length];
            for (int i = 0; i < cells.length; i++) {
                row[i] = String.valueOf(cells[i]);
            }
            rows.add(row);
            return this;
        }

        String render() {
            int columns = rows.get(0).length;
            int[] widths = new int[columns];
            for (String[] row : rows) {
                for (int i = 0; i < columns && i < row.length; i++) {
                    widths[i] = Math.max(widths[i], row[i].length());
                }
            }
            StringBuilder out = new StringBuilder();
            for (int r = 0; r < rows.size(); r++) {
                out.append('|');
                for (int i = 0; i < columns; i++) {
                    String cell = i < rows.get(r).length ? rows.get(r)[i] : "";
                    out.append(' ').append(pad(cell, widths[i], i > 0)).append(" |");
                }
                out.append('\n');
                if (r == 0) {
                    out.append('|');
                    for (int i = 0; i < columns; i++) {
                        out.append(i > 0 ? " " + "-".repeat(Math.max(1, widths[i] - 1)) + ":|"
                                : " " + "-".repeat(widths[i]) + " |");
                    }
                    out.append('\n');
                }
            }
            return out.toString();
        }

        private static String pad(String cell, int width, boolean right) {
            String spaces = " ".repeat(width - cell.length());
            return right ? spaces + cell : cell + spaces;
        }
    }

    public void section(String title, String note, Table table) {
        text.append("\n### ").append(title).append("\n\n");
        if (note != null && !note.isEmpty()) {
            text.append(note).append("\n\n");
        }
        text.append(table.render());
        System.out.println("\n### " + title + "\n");
        System.out.print(table.render());
        System.out.flush();
    }

    public void line(String line) {
        text.append(line).append('\n');
        System.out.println(line);
    }

    public String text() {
        return text.toString();
    }

    public static String f(double value, int decimals) {
        if (Double.isNaN(value)) {
            return "n/a";
        }
        return String.format(Locale.ROOT, "%." + decimals + "f", value);
    }

    public static String ratio(double value, double baseline) {
        if (Double.isNaN(value) || Double.isNaN(baseline) || baseline == 0) {
            return "n/a";
        }
        return String.format(Locale.ROOT, "%.2f", value / baseline);
    }

    public static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }
}
