package io.kube9.it.apps;

/**
 * A short-lived JVM, as a batch job or a tool started with the agent in {@code JAVA_TOOL_OPTIONS}
 * is: prints one line and returns, never calling a site.
 */
public final class ReturnsAtOnceApp {
    private ReturnsAtOnceApp() {}

    public static void main(String[] args) {
        System.out.println("done");
    }
}
