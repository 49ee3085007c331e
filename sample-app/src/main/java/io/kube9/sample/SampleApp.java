package io.kube9.sample;

import java.io.IOException;

/**
 * Entry point. Prints one line when listening and, for a load run, the counts summary; everything
 * else goes to stderr so stdout stays machine-readable.
 */
public final class SampleApp {

    private static final int EXIT_FAILURE = 1;
    private static final int EXIT_USAGE = 2;

    private SampleApp() {
    }

    public static void main(String[] args) throws InterruptedException {
        AppOptions options;
        try {
            options = AppOptions.parse(args);
        } catch (UsageException e) {
            System.err.println("sample-app: " + e.getMessage() + " (see --help)");
            System.exit(EXIT_USAGE);
            return;
        }
        if (options.help()) {
            System.out.println(AppOptions.USAGE);
            return;
        }

        Application app;
        try {
            app = Application.start(options);
        } catch (IOException | RuntimeException e) {
            System.err.println("sample-app: cannot start: " + e.getMessage());
            System.exit(EXIT_FAILURE);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(app::close, "sample-app-shutdown"));
        System.out.println("sample-app listening on port " + app.httpPort());
        System.out.flush();

        if (options.load().isPresent()) {
            try {
                System.out.print(app.runLoad(options.load().getAsInt()));
                System.out.flush();
            } catch (RuntimeException e) {
                if (app.isClosing()) {
                    // Terminated mid-run: the shutdown hook closed the store under the load's feet.
                    System.err.println("sample-app: load run stopped by shutdown");
                    return;
                }
                System.err.println("sample-app: load run failed: " + e.getMessage());
                e.printStackTrace();
                app.close();
                System.exit(EXIT_FAILURE);
            }
            if (!options.hold()) {
                // Returning normally (no System.exit) lets the JVM finish as any program would.
                app.close();
                return;
            }
        }
        app.awaitClosed();
    }
}
