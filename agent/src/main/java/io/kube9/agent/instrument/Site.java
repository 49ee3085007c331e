package io.kube9.agent.instrument;

import io.kube9.agent.bridge.Kube9Bridge;
import java.util.Locale;

/** The three kinds of intercepted method (SPEC section 2). */
public enum Site {
    RECORDER(Kube9Bridge.RECORDER),
    STORE(Kube9Bridge.STORE),
    PROJECTION(Kube9Bridge.PROJECTION);

    private final int bridgeIndex;
    private final String label;

    Site(int bridgeIndex) {
        this.bridgeIndex = bridgeIndex;
        this.label = name().toLowerCase(Locale.ROOT);
    }

    public int bridgeIndex() {
        return bridgeIndex;
    }

    /** The value stored in the journal's {@code site} column. */
    public String label() {
        return label;
    }
}
