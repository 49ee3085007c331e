package io.kube9.agent.cli;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Conditions joined by AND, with their parameters in order: values are always bound, never spliced. */
final class SqlWhere {
    private final List<String> conditions = new ArrayList<>();
    private final List<Object> parameters = new ArrayList<>();

    SqlWhere and(String condition, Object... values) {
        conditions.add(condition);
        Collections.addAll(parameters, values);
        return this;
    }

    /** {@code column IN (?, ?, …)}; nothing when {@code values} is empty (no restriction). */
    SqlWhere andIn(String column, List<String> values) {
        if (!values.isEmpty()) {
            and(column + " IN (" + String.join(", ", Collections.nCopies(values.size(), "?")) + ")",
                    values.toArray());
        }
        return this;
    }

    /**
     * {@code lower(column) IN (lower(?), …)}: both sides fold ASCII letters alike, whatever
     * the JVM's idea of case. Only for a column no index serves.
     */
    SqlWhere andInIgnoringCase(String column, List<String> values) {
        if (!values.isEmpty()) {
            and("lower(" + column + ") IN (" + String.join(", ", Collections.nCopies(values.size(), "lower(?)")) + ")",
                    values.toArray());
        }
        return this;
    }

    /** Empty, or {@code " WHERE …"}. */
    String sql() {
        return conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions);
    }

    /** Binds from parameter 1 and returns the next free index. */
    int bind(PreparedStatement statement) throws SQLException {
        int index = 1;
        for (Object value : parameters) {
            statement.setObject(index++, value);
        }
        return index;
    }
}
