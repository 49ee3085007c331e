package io.kube9.agent.instrument;

import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Turns configured type patterns into predicates on a fully qualified type name. {@code *} stands
 * for any characters (dots included), {@code ?} for one: {@code *EventStore} matches
 * {@code com.acme.OrderEventStore}, {@code com.acme.*} a whole package. JDK types only: the
 * predicates run for every class the service loads, before any of Byte Buddy is needed.
 */
final class TypePatterns {
    private TypePatterns() {}

    static Predicate<String> matcher(List<String> patterns) {
        Predicate<String> matcher = name -> false;
        for (String pattern : patterns) {
            matcher = matcher.or(matcher(pattern));
        }
        return matcher;
    }

    static Predicate<String> matcher(String pattern) {
        String rest = pattern.substring(1);
        if (pattern.startsWith("*") && rest.indexOf('*') < 0 && rest.indexOf('?') < 0) {
            return name -> name.endsWith(rest); // the common case, without a regular expression
        }
        if (pattern.indexOf('*') < 0 && pattern.indexOf('?') < 0) {
            return pattern::equals;
        }
        Pattern regex = Pattern.compile(toRegex(pattern));
        return name -> regex.matcher(name).matches();
    }

    static String toRegex(String glob) {
        StringBuilder regex = new StringBuilder();
        for (String literal : glob.split("(?=[*?])|(?<=[*?])")) {
            if (literal.equals("*")) {
                regex.append(".*");
            } else if (literal.equals("?")) {
                regex.append('.');
            } else if (!literal.isEmpty()) {
                regex.append(Pattern.quote(literal));
            }
        }
        return regex.toString();
    }
}
