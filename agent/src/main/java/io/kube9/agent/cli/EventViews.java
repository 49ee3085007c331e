package io.kube9.agent.cli;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How a journal row looks in each output format. {@code list}'s table and CSV show a payload's
 * size only; {@code get} shows a stored payload that is text (UTF-8 without control characters
 * but line breaks and tabs: a message, JSON) as text, and JSON adds the stored bytes as base64,
 * and as {@code payload_text} when they are text.
 */
final class EventViews {
    static final List<String> CSV_HEADER = List.of("id", "site", "source", "event_type", "severity", "event_id",
            "aggregate_id", "occurred_at", "recorded_at", "payload_bytes", "thread");

    private EventViews() {}

    /** For {@code list}: the columns worth a terminal's width; {@code get} shows the rest. */
    static TextTable table(List<JournalRow> rows) {
        TextTable table = new TextTable("ID", "RECORDED_AT", "SITE", "EVENT_TYPE", "SEVERITY", "AGGREGATE_ID",
                "PAYLOAD", "SOURCE").alignRight(0, 6);
        for (JournalRow row : rows) {
            table.add(Long.toString(row.id), Times.iso(row.recordedAt), row.site, row.eventType, row.severity,
                    row.aggregateId, bytes(row.payloadBytes), shortSource(row.source));
        }
        return table;
    }

    static Map<String, Object> json(JournalRow row) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", row.id);
        json.put("site", row.site);
        json.put("source", row.source);
        json.put("event_type", row.eventType);
        json.put("severity", row.severity);
        json.put("event_id", row.eventId);
        json.put("aggregate_id", row.aggregateId);
        json.put("occurred_at", Times.isoOrNull(row.occurredAt));
        json.put("recorded_at", Times.iso(row.recordedAt));
        json.put("payload_bytes", row.payloadBytes);
        if (row.payload != null) {
            json.put("payload", Base64.getEncoder().encodeToString(row.payload));
            String text = text(row.payload);
            if (text != null) {
                json.put("payload_text", text);
            }
        }
        json.put("thread", row.thread);
        return json;
    }

    static List<String> csv(JournalRow row) {
        return Arrays.asList(Long.toString(row.id), row.site, row.source, row.eventType, row.severity, row.eventId,
                row.aggregateId, Times.isoOrNull(row.occurredAt), Times.iso(row.recordedAt),
                row.payloadBytes == null ? null : Long.toString(row.payloadBytes), row.thread);
    }

    /** For {@code get}: every column, one per entry, in table order. */
    static Map<String, String> detail(JournalRow row) {
        Map<String, String> detail = new LinkedHashMap<>();
        detail.put("id", Long.toString(row.id));
        detail.put("site", row.site);
        detail.put("source", row.source);
        detail.put("event_type", row.eventType);
        detail.put("severity", row.severity);
        detail.put("event_id", row.eventId);
        detail.put("aggregate_id", row.aggregateId);
        detail.put("occurred_at", Times.isoOrNull(row.occurredAt));
        detail.put("recorded_at", Times.iso(row.recordedAt));
        detail.put("payload_bytes", row.payloadBytes == null ? null : Long.toString(row.payloadBytes));
        detail.put("payload", payloadDetail(row));
        detail.put("thread", row.thread);
        return detail;
    }

    private static String payloadDetail(JournalRow row) {
        if (row.payload == null) {
            return "not captured";
        }
        String text = text(row.payload);
        if (text == null) {
            return row.payload.length + " bytes stored";
        }
        boolean cut = row.payloadBytes != null && row.payloadBytes > row.payload.length;
        return cut ? text + " [the first " + row.payload.length + " of " + row.payloadBytes + " bytes]" : text;
    }

    /**
     * The stored payload as text, or null when it is not: UTF-8 with no control characters but
     * tabs and line breaks. A sequence cut at the end (the payload cap falls inside a character)
     * is left out.
     */
    static String text(byte[] payload) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(payload);
        CharBuffer out = CharBuffer.allocate(payload.length);
        if (decoder.decode(in, out, false).isError() || in.remaining() > 3) {
            return null;
        }
        out.flip();
        for (int i = 0; i < out.length(); i++) {
            char c = out.charAt(i);
            if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || (c >= 0x7F && c <= 0x9F)) {
                return null;
            }
        }
        return out.toString();
    }

    static String bytes(Long payloadBytes) {
        return payloadBytes == null ? null : payloadBytes + " B";
    }

    /** {@code com.example.orders.OrderEventStore#append} becomes {@code OrderEventStore#append}. */
    static String shortSource(String source) {
        if (source == null) {
            return null;
        }
        int hash = source.indexOf('#');
        int dot = source.lastIndexOf('.', hash < 0 ? source.length() : hash);
        return dot < 0 ? source : source.substring(dot + 1);
    }
}
