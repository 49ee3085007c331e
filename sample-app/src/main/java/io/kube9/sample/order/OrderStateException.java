package io.kube9.sample.order;

/** A command is not allowed in the order's current state, e.g. shipping an unpaid order. */
public class OrderStateException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public OrderStateException(String message) {
        super(message);
    }
}
