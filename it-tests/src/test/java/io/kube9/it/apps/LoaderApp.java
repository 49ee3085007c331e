package io.kube9.it.apps;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarInputStream;

/**
 * A host that loads its service the way application servers and fat-jar launchers do:
 * {@code url PLUGIN_JAR} through a plain {@link URLClassLoader}, {@code nested OUTER_JAR} from
 * jars nested in {@code BOOT-INF/lib/} of an outer jar, read into memory as Spring Boot's
 * launcher does. Neither loader delegates to the application class path.
 */
public final class LoaderApp {
    private LoaderApp() {}

    public static void main(String[] args) throws Exception {
        ClassLoader loader = args[0].equals("url")
                ? new URLClassLoader(new URL[] {Paths.get(args[1]).toUri().toURL()}, ClassLoader.getPlatformClassLoader())
                : new NestedJarClassLoader(args[1]);
        Runnable plugin = (Runnable) loader.loadClass("io.kube9.it.plugin.PluginMain")
                .getDeclaredConstructor().newInstance();
        plugin.run();
        System.out.println("DONE");
        System.out.flush();
        if (args.length > 2 && args[2].equals("--hold")) {
            while (System.in.read() >= 0) {
                // wait for the test to close our standard input
            }
        }
    }

    /** Classes and resources of every {@code BOOT-INF/lib/*.jar} inside an outer jar, held in memory. */
    static final class NestedJarClassLoader extends ClassLoader {
        private final Map<String, byte[]> entries = new HashMap<>();

        NestedJarClassLoader(String outerJar) throws IOException {
            super("nested-jar", ClassLoader.getPlatformClassLoader());
            try (JarFile outer = new JarFile(outerJar)) {
                for (JarEntry nested : java.util.Collections.list(outer.entries())) {
                    if (nested.getName().startsWith("BOOT-INF/lib/") && nested.getName().endsWith(".jar")) {
                        try (JarInputStream in = new JarInputStream(outer.getInputStream(nested))) {
                            for (JarEntry entry; (entry = in.getNextJarEntry()) != null; ) {
                                entries.put(entry.getName(), readAll(in));
                            }
                        }
                    }
                }
            }
        }

        @Override
        protected Class<?> findClass(String name) throws ClassNotFoundException {
            byte[] bytes = entries.get(name.replace('.', '/') + ".class");
            if (bytes == null) {
                throw new ClassNotFoundException(name);
            }
            return defineClass(name, bytes, 0, bytes.length);
        }

        @Override
        public InputStream getResourceAsStream(String name) {
            byte[] bytes = entries.get(name);
            return bytes != null ? new ByteArrayInputStream(bytes) : super.getResourceAsStream(name);
        }

        private static byte[] readAll(InputStream in) throws IOException {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            in.transferTo(out);
            return out.toByteArray();
        }
    }
}
