package io.kube9.sample;

/** The command line is wrong; the message names the offending flag or value. */
public class UsageException extends Exception {

    private static final long serialVersionUID = 1L;

    public UsageException(String message) {
        super(message);
    }
}
