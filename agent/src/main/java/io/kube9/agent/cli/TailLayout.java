package io.kube9.agent.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * Aligned lines for {@code tail}, whose rows arrive over time: each batch is measured before it
 * is printed, and a column only ever widens, so lines stay aligned unless a longer value than
 * any before turns up.
 */
final class TailLayout {
    private static final int ID = 0;
    private static final int SITE = 1;
    private static final int TYPE = 2;
    private static final int SEVERITY = 3;
    private static final int AGGREGATE = 4;
    private static final int PAYLOAD = 5;

    /** Widths for typical values, so the first lines do not jitter while the columns settle. */
    private final int[] widths = {6, 8, 16, 8, 1, 5};

    void fit(List<JournalRow> rows) {
        for (JournalRow row : rows) {
            List<String> cells = cells(row);
            for (int i = 0; i < widths.length; i++) {
                widths[i] = Math.max(widths[i], TextTable.width(cells.get(i)));
            }
        }
    }

    /** recorded_at, id, site, event_type, severity, aggregate_id, payload size, source. */
    String line(JournalRow row) {
        List<String> cells = cells(row);
        StringBuilder line = new StringBuilder(Times.iso(row.recordedAt));
        for (int i = 0; i < widths.length; i++) {
            String cell = cells.get(i);
            String padding = " ".repeat(Math.max(0, widths[i] - TextTable.width(cell)));
            line.append("  ");
            if (i == ID || i == PAYLOAD) {
                line.append(padding).append(cell);
            } else {
                line.append(cell).append(padding);
            }
        }
        line.append("  ").append(cell(EventViews.shortSource(row.source)));
        return line.toString();
    }

    private static List<String> cells(JournalRow row) {
        List<String> cells = new ArrayList<>(6);
        cells.add(ID, Long.toString(row.id));
        cells.add(SITE, cell(row.site));
        cells.add(TYPE, cell(row.eventType));
        cells.add(SEVERITY, cell(row.severity));
        cells.add(AGGREGATE, cell(row.aggregateId));
        cells.add(PAYLOAD, cell(EventViews.bytes(row.payloadBytes)));
        return cells;
    }

    private static String cell(String value) {
        return value == null ? TextTable.NONE : TextTable.cut(TextTable.printable(value), TextTable.MAX_CELL);
    }
}
