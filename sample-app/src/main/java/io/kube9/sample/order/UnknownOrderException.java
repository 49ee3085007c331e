package io.kube9.sample.order;

/** A command named an order that has no events. */
public class UnknownOrderException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public UnknownOrderException(String orderId) {
        super("unknown order " + orderId);
    }
}
