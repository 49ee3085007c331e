package host;

import java.lang.ref.WeakReference;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Paths;

/**
 * Loads a plugin, with the Kotlin it brings, in a class loader of its own, runs it and drops it,
 * as an application server does with a web application it undeploys; then says whether the
 * loader could be collected, and waits for its input to close.
 */
public final class PluginHost {
    public static void main(String[] classPath) throws Exception {
        WeakReference<ClassLoader> loader = runOnce(classPath);
        for (int i = 0; i < 50 && loader.get() != null; i++) {
            System.gc();
            Thread.sleep(100);
        }
        System.out.println("plugin loader collected: " + (loader.get() == null));
        System.in.read();
    }

    private static WeakReference<ClassLoader> runOnce(String[] classPath) throws Exception {
        URL[] urls = new URL[classPath.length];
        for (int i = 0; i < classPath.length; i++) {
            urls[i] = Paths.get(classPath[i]).toUri().toURL();
        }
        try (URLClassLoader loader = new URLClassLoader(urls, ClassLoader.getPlatformClassLoader())) {
            ((Runnable) loader.loadClass("plugin.Plugin").getDeclaredConstructor().newInstance()).run();
            return new WeakReference<>(loader);
        }
    }
}
