package io.kube9.agent;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.MalformedURLException;
import java.net.URL;
import java.security.CodeSource;
import java.security.ProtectionDomain;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * Loads the agent's internals (its own code, Byte Buddy's ASM, the Prometheus client, sqlite-jdbc,
 * picocli) from the {@code kube9-inst/} tree of the agent jar, where class files are stored as
 * {@code .classdata}. The application's class loaders cannot see that tree, so a service that
 * ships other versions of the same libraries never meets ours.
 *
 * <p>Parent first: the bridge classes and the JDK come from the parent chain, everything else
 * from the hidden tree. Resources are served from the tree too, which is how sqlite-jdbc finds
 * its native library and the weaver reads its warm-up class's byte code.
 */
final class AgentClassLoader extends ClassLoader {
    static final String PREFIX = "kube9-inst/";

    static {
        registerAsParallelCapable();
    }

    private final File jar;
    private final JarFile jarFile;
    private final ProtectionDomain domain;

    AgentClassLoader(File jar, ClassLoader parent) throws IOException {
        super("kube9-agent", parent);
        this.jar = jar;
        this.jarFile = new JarFile(jar, false);
        this.domain = new ProtectionDomain(
                new CodeSource(jar.toURI().toURL(), (Certificate[]) null), null, this, null);
    }

    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
        String path = name.replace('.', '/');
        JarEntry entry = jarFile.getJarEntry(PREFIX + path + ".classdata");
        if (entry == null) {
            throw new ClassNotFoundException(name);
        }
        try (InputStream in = jarFile.getInputStream(entry)) {
            byte[] bytes = readAll(in, (int) entry.getSize());
            definePackageOf(name);
            return defineClass(name, bytes, 0, bytes.length, domain);
        } catch (IOException e) {
            throw new ClassNotFoundException(name, e);
        }
    }

    private void definePackageOf(String className) {
        int dot = className.lastIndexOf('.');
        if (dot > 0) {
            String pkg = className.substring(0, dot);
            if (getDefinedPackage(pkg) == null) {
                try {
                    definePackage(pkg, null, null, null, null, null, null, null);
                } catch (IllegalArgumentException raced) {
                    // another thread defined it first
                }
            }
        }
    }

    @Override
    protected URL findResource(String name) {
        String entryName = hiddenName(name);
        if (jarFile.getJarEntry(entryName) == null) {
            return null;
        }
        try {
            return new URL("jar:" + jar.toURI() + "!/" + entryName);
        } catch (MalformedURLException e) {
            return null;
        }
    }

    @Override
    protected Enumeration<URL> findResources(String name) {
        URL url = findResource(name);
        List<URL> urls = new ArrayList<>(1);
        if (url != null) {
            urls.add(url);
        }
        return Collections.enumeration(urls);
    }

    private static String hiddenName(String name) {
        String path = name.startsWith("/") ? name.substring(1) : name;
        if (path.endsWith(".class")) {
            path = path.substring(0, path.length() - ".class".length()) + ".classdata";
        }
        return PREFIX + path;
    }

    private static byte[] readAll(InputStream in, int sizeHint) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(sizeHint > 0 ? sizeHint : 8192);
        byte[] buffer = new byte[8192];
        for (int n; (n = in.read(buffer)) > 0; ) {
            out.write(buffer, 0, n);
        }
        return out.toByteArray();
    }
}
