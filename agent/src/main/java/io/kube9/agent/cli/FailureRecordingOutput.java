package io.kube9.agent.cli;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Under the CLI's stdout writer, remembers the first write failure: PrintWriter swallows it, and
 * its {@code checkError()} only says that one happened, so a full disk could not be told apart
 * from a reader that went away.
 */
final class FailureRecordingOutput extends FilterOutputStream {
    private IOException failure;

    FailureRecordingOutput(OutputStream out) {
        super(out);
    }

    @Override
    public void write(int b) throws IOException {
        try {
            out.write(b);
        } catch (IOException e) {
            throw recorded(e);
        }
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        try {
            out.write(bytes, offset, length);
        } catch (IOException e) {
            throw recorded(e);
        }
    }

    @Override
    public void flush() throws IOException {
        try {
            out.flush();
        } catch (IOException e) {
            throw recorded(e);
        }
    }

    /** The first write or flush that failed, or null. */
    IOException failure() {
        return failure;
    }

    private IOException recorded(IOException e) {
        if (failure == null) {
            failure = e;
        }
        return e;
    }
}
