package io.kube9.agent.capture;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * How to walk the elements of a Scala 2.13 or 3 collection: a batch of events, as a Java {@code
 * Iterable} or array is. Scala's collections are not {@code java.lang.Iterable}, so a Scala store's
 * {@code append(events: Seq[Event])} counted its list as one event of type {@code $colon$colon}.
 *
 * <p>A batch is a Scala {@code Seq} or {@code Set}, or an {@code Option} (none or one event).
 * Not one, and so one event like any other object: a {@code Map} (its elements are pairs; a Java
 * {@code Map} is one event too, read by key); what holds values rather than events, a {@code
 * Range}, a {@code WrappedString}, a {@code BitSet}, an {@code ArraySeq} of a primitive type, a
 * Pekko or Akka {@code ByteString} (walked, 50 kB were 50,000 "events" of type {@code Byte}); and
 * what walking would change or might never finish: an {@code Iterator} (walking it would use up the
 * service's), a {@code LazyList} or {@code Stream} (its elements computed on the service's thread,
 * possibly without end) and a {@code View}. The methods are the public interfaces' own, called by
 * reflection: the agent's class loader cannot see the service's Scala library.
 */
final class ScalaCollection {
    private static final String ITERABLE_ONCE = "scala.collection.IterableOnce";
    private static final Set<String> BATCHES = Set.of("scala.collection.Seq", "scala.collection.Set", "scala.Option");
    private static final Set<String> NOT_WALKED = Set.of("scala.collection.Iterator", "scala.collection.View",
            "scala.collection.immutable.LazyList", "scala.collection.immutable.Stream",
            "scala.collection.immutable.Range", "scala.collection.immutable.NumericRange",
            "scala.collection.immutable.WrappedString", "scala.collection.BitSet");
    /** {@code ArraySeq.ofByte} and the like, immutable or mutable: values, not events ({@code ofRef} is walked). */
    private static final Pattern PRIMITIVE_ARRAY_SEQ = Pattern.compile(
            "scala\\.collection\\.(immutable|mutable)\\.ArraySeq\\$of(Byte|Short|Char|Int|Long|Float|Double|Boolean|Unit)");

    private final Method iterator;
    private final Method hasNext;
    private final Method next;

    private ScalaCollection(Method iterator, Method hasNext, Method next) {
        this.iterator = iterator;
        this.hasNext = hasNext;
        this.next = next;
    }

    /** How to walk a {@code type}'s elements, or null when it is not a Scala collection to walk. */
    static ScalaCollection of(Class<?> type) {
        if (type.isArray() || type.isPrimitive() || type.getName().startsWith("java.")) {
            return null;
        }
        Class<?> iterableOnce = null;
        boolean batch = false;
        Set<Class<?>> seen = new HashSet<>();
        Deque<Class<?>> next = new ArrayDeque<>();
        next.add(type);
        while (!next.isEmpty()) {
            Class<?> at = next.poll();
            if (!seen.add(at)) {
                continue;
            }
            String name = at.getName();
            if (NOT_WALKED.contains(name) || name.endsWith(".ByteString") || PRIMITIVE_ARRAY_SEQ.matcher(name).matches()) {
                return null;
            }
            batch |= BATCHES.contains(name);
            if (name.equals(ITERABLE_ONCE) && at.isInterface()) {
                iterableOnce = at;
            }
            if (at.getSuperclass() != null) {
                next.add(at.getSuperclass());
            }
            for (Class<?> implemented : at.getInterfaces()) {
                next.add(implemented);
            }
        }
        if (iterableOnce == null || !batch) {
            return null;
        }
        try {
            Method iterator = iterableOnce.getMethod("iterator");
            Class<?> scalaIterator = iterator.getReturnType();
            return new ScalaCollection(iterator, scalaIterator.getMethod("hasNext"), scalaIterator.getMethod("next"));
        } catch (NoSuchMethodException | SecurityException e) {
            return null; // not the IterableOnce of Scala 2.13 or 3
        }
    }

    /** A new iterator over {@code collection}'s elements. */
    Object iterator(Object collection) throws Throwable {
        return call(iterator, collection);
    }

    boolean hasNext(Object iterator) throws Throwable {
        return (Boolean) call(hasNext, iterator);
    }

    Object next(Object iterator) throws Throwable {
        return call(next, iterator);
    }

    private static Object call(Method method, Object target) throws Throwable {
        try {
            return method.invoke(target);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
