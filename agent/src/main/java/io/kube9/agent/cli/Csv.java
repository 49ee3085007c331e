package io.kube9.agent.cli;

import java.util.List;

/**
 * RFC 4180 fields: quoted when they hold a comma, a quote or a line break; quotes doubled; null is
 * empty. The other control characters (ESC, BEL, DEL, the C1 controls), which CSV has no way to
 * escape and a terminal acts on, are written as visible escapes as in the table ({@code \u001b}):
 * event data must not be able to repaint the operator's terminal.
 */
final class Csv {
    private Csv() {}

    static String line(List<String> fields) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < fields.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            appendField(out, fields.get(i));
        }
        return out.toString();
    }

    private static void appendField(StringBuilder out, String field) {
        if (field == null) {
            return;
        }
        field = TextTable.printable(field, true);
        // Edge spaces too: many readers trim unquoted fields.
        boolean edgeSpace = !field.isEmpty() && (Character.isWhitespace(field.charAt(0))
                || Character.isWhitespace(field.charAt(field.length() - 1)));
        boolean quote = edgeSpace || field.indexOf(',') >= 0 || field.indexOf('"') >= 0 || field.indexOf('\n') >= 0
                || field.indexOf('\r') >= 0;
        if (!quote) {
            out.append(field);
            return;
        }
        out.append('"').append(field.replace("\"", "\"\"")).append('"');
    }
}
