package io.kube9.sample.store;

/** The event store could not read or write its backing storage. */
public class EventStoreException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public EventStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
