package io.kube9.agent.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Columns aligned for a terminal, two spaces apart. Cells come from event data, so they are made
 * printable (a stray escape sequence must not repaint the operator's terminal) and cut at
 * {@link #MAX_CELL} characters unless a column allows more.
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
                widths[i] = Math.max(widths[i], row.get(i).length());
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
            int padding = widths[i] - cell.length();
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
     * keepLineBreaks}, tabs and line breaks stay as they are (CSV quotes them).
     */
    static String printable(String text, boolean keepLineBreaks) {
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean control = (c < 0x20 && !(keepLineBreaks && (c == '\t' || c == '\n' || c == '\r')))
                    || (c >= 0x7f && c <= 0x9f);
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

    /**
     * At most {@code max} chars, never half a character: a cut between the two halves of a
     * surrogate pair (an emoji) leaves the whole pair out, where its first half alone was printed as '?'.
     */
    static String cut(String text, int max) {
        if (text.length() <= max) {
            return text;
        }
        int end = max - 3;
        if (Character.isSurrogatePair(text.charAt(end - 1), text.charAt(end))) {
            end--;
        }
        return text.substring(0, end) + "...";
    }

    /** For paths, whose end says the most; like {@link #cut}, never half a character. */
    static String cutLeft(String text, int max) {
        if (text.length() <= max) {
            return text;
        }
        int start = text.length() - (max - 3);
        if (Character.isSurrogatePair(text.charAt(start - 1), text.charAt(start))) {
            start++;
        }
        return "..." + text.substring(start);
    }
}
