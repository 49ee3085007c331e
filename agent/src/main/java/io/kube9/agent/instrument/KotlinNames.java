package io.kube9.agent.instrument;

/**
 * What the Kotlin compiler does to names that a site's conventions are written in.
 *
 * <ul>
 *   <li>A function that takes or returns an inline value class ({@code fun append(stream:
 *       StreamId, events: List<Event>)}) gets a suffix after a hyphen: {@code append-hMx4nnA}.
 *       No Java method has a hyphen in its name.
 *   <li>The functions of a class's {@code companion object} are the methods of a class of its own,
 *       {@code LegacyEventStore$Companion}; {@code @JvmStatic} adds a static method to the class
 *       that calls the companion's.
 * </ul>
 */
final class KotlinNames {
    private static final String COMPANION = "$Companion";

    private KotlinNames() {}

    /** The method's name as its source has it: {@code append-hMx4nnA} is {@code append}. */
    static String methodName(String name) {
        int hyphen = name.indexOf('-');
        return hyphen > 0 ? name.substring(0, hyphen) : name;
    }

    /**
     * For a companion object's class, the name of the class it belongs to (either separator);
     * else null.
     */
    static String companionOwner(String className) {
        return className.endsWith(COMPANION) && className.length() > COMPANION.length()
                ? className.substring(0, className.length() - COMPANION.length())
                : null;
    }
}
