package io.kube9.agent.instrument;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Whether a type's own name, or the name of any of its superclasses and interfaces, matches a
 * target's patterns: Byte Buddy's {@code hasSuperType}, minus the JDK and minus Byte Buddy. A
 * JDK type's supertypes are JDK types too and the JDK is never a site, so the walk stops there
 * and never reads {@code Object}, {@code Serializable} or {@code Comparable} again for each class
 * loaded; a supertype's class file is read only when the walk goes past its name.
 */
final class SuperTypeNames {
    /** Packages of the JDK; the agent never instruments them either ({@code Instrumenter}). */
    static final String[] JDK = {"java.", "javax.", "jdk.", "sun.", "com.sun."};

    /** Where the walk finds a type's direct supertypes. */
    interface Supertypes {
        /** The superclass (or null) followed by the interfaces; null when the type cannot be found. */
        String[] of(String typeName);
    }

    private final Predicate<String> names;

    SuperTypeNames(Predicate<String> names) {
        this.names = names;
    }

    static SuperTypeNames of(List<String> patterns) {
        return new SuperTypeNames(TypePatterns.matcher(patterns));
    }

    /**
     * Whether the type matches. A Kotlin companion object's class ({@code
     * LegacyEventStore$Companion}) matches as the class it belongs to does by name: its
     * functions are that class's.
     */
    boolean matches(String typeName, Supertypes supertypes) {
        return matchedBits(new SuperTypeNames[] {this}, typeName, supertypes) != 0;
    }

    /**
     * A bit for each of {@code sites} that the type matches ({@link #matches}), in one walk of its
     * supertypes for all of them: the transformer is offered every class a service loads, most
     * before the JIT has compiled it, and a walk per target read each supertype's names again.
     */
    static long matchedBits(SuperTypeNames[] sites, String typeName, Supertypes supertypes) {
        long all = sites.length == Long.SIZE ? -1L : (1L << sites.length) - 1;
        long matched = 0;
        String companionOwner = KotlinNames.companionOwner(typeName);
        if (companionOwner != null && !isJdk(companionOwner)) {
            matched = bitsOf(sites, companionOwner);
        }
        return matched == all ? all : matched | walk(sites, typeName, supertypes, new HashSet<>(), all);
    }

    private static long walk(SuperTypeNames[] sites, String name, Supertypes supertypes, Set<String> seen, long all) {
        if (name == null || isJdk(name) || !seen.add(name)) {
            return 0;
        }
        long matched = bitsOf(sites, name);
        if (matched == all) {
            return all;
        }
        String[] direct = supertypes.of(name);
        if (direct != null) {
            for (String supertype : direct) {
                matched |= walk(sites, supertype, supertypes, seen, all);
                if (matched == all) {
                    return all;
                }
            }
        }
        return matched;
    }

    /** A bit for each of {@code sites} whose patterns {@code name} itself matches. */
    private static long bitsOf(SuperTypeNames[] sites, String name) {
        long bits = 0;
        for (int index = 0; index < sites.length; index++) {
            if (sites[index].names.test(name)) {
                bits |= 1L << index;
            }
        }
        return bits;
    }

    /**
     * A dynamic proxy class, in the package the JDK names them in: {@code jdk.proxy1.$Proxy12} (a
     * module of its own per loader, JDK 16 and later) or {@code com.sun.proxy.$Proxy12} (before).
     * Not the JDK's: the application's loader defines it, for the application's interfaces (a
     * Spring Data repository named {@code OrderEventStore} is one). Either separator, '.' or '/'.
     */
    static boolean isProxy(String name) {
        if (name.startsWith("jdk") && name.length() > 9 && name.startsWith("proxy", 4)) {
            int end = name.indexOf("$Proxy", 9);
            return end > 0 && isSeparator(name.charAt(end - 1)) && isSeparator(name.charAt(3));
        }
        return name.startsWith("com") && name.startsWith("sun", 4) && name.startsWith("proxy", 8)
                && name.startsWith("$Proxy", 14) && isSeparator(name.charAt(3)) && isSeparator(name.charAt(7))
                && isSeparator(name.charAt(13));
    }

    private static boolean isSeparator(char c) {
        return c == '.' || c == '/';
    }

    static boolean isJdk(String name) {
        if (isProxy(name)) {
            return false;
        }
        for (String prefix : JDK) {
            if (name.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }
}
