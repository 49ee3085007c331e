package io.kube9.agent.cli;

import java.math.BigDecimal;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Writes JSON from maps, lists, strings, numbers, booleans and null. The CLI only writes JSON,
 * so a few lines here spare the agent jar a JSON library.
 */
final class Json {
    private Json() {}

    /** On one line. */
    static String compact(Object value) {
        StringBuilder out = new StringBuilder();
        write(out, value, -1, 0);
        return out.toString();
    }

    /** Indented by two spaces per level; objects inside arrays stay on one line each, as rows. */
    static String pretty(Object value) {
        StringBuilder out = new StringBuilder();
        write(out, value, 2, 0);
        return out.toString();
    }

    private static void write(StringBuilder out, Object value, int indent, int depth) {
        if (value == null) {
            out.append("null");
        } else if (value instanceof String) {
            quote(out, (String) value);
        } else if (value instanceof BigDecimal) {
            out.append(((BigDecimal) value).toPlainString());
        } else if (value instanceof Long || value instanceof Integer || value instanceof Boolean) {
            out.append(value);
        } else if (value instanceof Map) {
            writeObject(out, (Map<?, ?>) value, indent, depth);
        } else if (value instanceof List) {
            writeArray(out, (List<?>) value, indent, depth);
        } else {
            throw new IllegalArgumentException("no JSON form for " + value.getClass().getName());
        }
    }

    private static void writeObject(StringBuilder out, Map<?, ?> map, int indent, int depth) {
        if (map.isEmpty()) {
            out.append("{}");
            return;
        }
        out.append('{');
        Iterator<? extends Map.Entry<?, ?>> entries = map.entrySet().iterator();
        while (entries.hasNext()) {
            Map.Entry<?, ?> entry = entries.next();
            newLine(out, indent, depth + 1);
            quote(out, String.valueOf(entry.getKey()));
            out.append(indent < 0 ? ":" : ": ");
            write(out, entry.getValue(), indent, depth + 1);
            if (entries.hasNext()) {
                out.append(',');
            }
        }
        newLine(out, indent, depth);
        out.append('}');
    }

    private static void writeArray(StringBuilder out, List<?> list, int indent, int depth) {
        if (list.isEmpty()) {
            out.append("[]");
            return;
        }
        out.append('[');
        for (int i = 0; i < list.size(); i++) {
            newLine(out, indent, depth + 1);
            Object element = list.get(i);
            write(out, element, element instanceof Map ? -1 : indent, depth + 1);
            if (i < list.size() - 1) {
                out.append(',');
            }
        }
        newLine(out, indent, depth);
        out.append(']');
    }

    private static void newLine(StringBuilder out, int indent, int depth) {
        if (indent >= 0) {
            out.append('\n');
            for (int i = 0; i < indent * depth; i++) {
                out.append(' ');
            }
        }
    }

    static void quote(StringBuilder out, String text) {
        out.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"': out.append("\\\""); break;
                case '\\': out.append("\\\\"); break;
                case '\n': out.append("\\n"); break;
                case '\r': out.append("\\r"); break;
                case '\t': out.append("\\t"); break;
                default:
                    // Control characters must be escaped; DEL and the C1 controls too (the terminal
                    // reading the output acts on them: U+009B begins an escape sequence), and
                    // U+2028/2029, so that the output can be pasted into JavaScript, and the
                    // direction controls, as in every text format (TextTable#printable): JSON loses
                    // nothing by them.
                    if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || TextTable.isDirectionOrSeparator(c)) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
            }
        }
        out.append('"');
    }
}
