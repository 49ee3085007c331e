package io.kube9.agent.instrument;

import static net.bytebuddy.matcher.ElementMatchers.nameEndsWith;
import static net.bytebuddy.matcher.ElementMatchers.nameMatches;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.none;

import java.util.List;
import java.util.regex.Pattern;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * Turns configured type patterns into matchers on a fully qualified type name. {@code *} stands
 * for any characters (dots included), {@code ?} for one: {@code *EventStore} matches
 * {@code com.acme.OrderEventStore}, {@code com.acme.*} a whole package.
 */
final class TypePatterns {
    private TypePatterns() {}

    static ElementMatcher.Junction<TypeDescription> matcher(List<String> patterns) {
        ElementMatcher.Junction<TypeDescription> matcher = none();
        for (String pattern : patterns) {
            matcher = matcher.or(matcher(pattern));
        }
        return matcher;
    }

    static ElementMatcher.Junction<TypeDescription> matcher(String pattern) {
        String rest = pattern.substring(1);
        if (pattern.startsWith("*") && rest.indexOf('*') < 0 && rest.indexOf('?') < 0) {
            return nameEndsWith(rest); // the common case, without a regular expression
        }
        if (pattern.indexOf('*') < 0 && pattern.indexOf('?') < 0) {
            return named(pattern);
        }
        return nameMatches(toRegex(pattern));
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
