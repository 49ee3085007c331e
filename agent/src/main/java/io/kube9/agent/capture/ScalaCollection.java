package io.kube9.agent.capture;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;

/**
 * How to walk the elements of a Scala 2.13 or 3 collection: a batch of events, as a Java {@code
 * Iterable} or array is. Scala's collections are not {@code java.lang.Iterable}, so a Scala store's
 * {@code append(events: Seq[Event])} counted its list as one event of type {@code $colon$colon}.
 *
 * <p>A collection is anything that is a {@code scala.collection.IterableOnce} (an {@code Option}
 * too: none or one event), except what walking would change or might never finish: an {@code
 * Iterator} (walking it would use up the service's), a {@code LazyList} or {@code Stream} (its
 * elements computed on the service's thread, possibly without end) and a {@code View}. Those, like
 * any other object, are one event. The methods are the public interfaces' own, called by
 * reflection: the agent's class loader cannot see the service's Scala library.
 */
final class ScalaCollection {
    private static final String ITERABLE_ONCE = "scala.collection.IterableOnce";
    private static final Set<String> NOT_WALKED = Set.of("scala.collection.Iterator", "scala.collection.View",
            "scala.collection.immutable.LazyList", "scala.collection.immutable.Stream");

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
        Set<Class<?>> seen = new HashSet<>();
        Deque<Class<?>> next = new ArrayDeque<>();
        next.add(type);
        while (!next.isEmpty()) {
            Class<?> at = next.poll();
            if (!seen.add(at)) {
                continue;
            }
            if (NOT_WALKED.contains(at.getName())) {
                return null;
            }
            if (at.getName().equals(ITERABLE_ONCE) && at.isInterface()) {
                iterableOnce = at;
            }
            if (at.getSuperclass() != null) {
                next.add(at.getSuperclass());
            }
            for (Class<?> implemented : at.getInterfaces()) {
                next.add(implemented);
            }
        }
        if (iterableOnce == null) {
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
