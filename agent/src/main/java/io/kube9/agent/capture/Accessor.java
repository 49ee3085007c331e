package io.kube9.agent.capture;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Reads one attribute from events of one class: a no-argument method (record component or
 * plain accessor), a getter ({@code getX}, {@code isX}), public or of the event's own package, a
 * public field, or a {@code Map} key.
 * Resolved once per class into a {@code Function} that returns the attribute or null, and may
 * throw whatever the event's own code throws: a compiled {@link AccessorClass} where the JVM
 * allows one, else a method handle. {@link #MISSING} when the class has none of the names.
 *
 * <p>The names are tried in order, and the first that gives a value wins: a class with both
 * {@code eventType()} and {@code type()} reads {@code type()} for an event whose {@code
 * eventType()} is null. A class with one of the names (the usual case) reads it directly, at
 * no cost for the others.
 *
 * <p>A name with dots is a path: {@code metadata.uid} reads {@code metadata} from the event,
 * then {@code uid} from what that returned, each step by the same rules on the class the value
 * has at run time (resolved once per class); a null on the way gives null. A path counts as
 * found on a class when its first step is.
 */
final class Accessor {
    static final Function<Object, Object> MISSING = event -> null;

    private static final MethodType GETTER = MethodType.methodType(Object.class, Object.class);

    private Accessor() {}

    static Function<Object, Object> resolve(Class<?> type, List<String> names) {
        if (Map.class.isAssignableFrom(type)) {
            return new MapKey(names);
        }
        List<Function<Object, Object>> found = new ArrayList<>(names.size());
        for (String name : names) {
            Function<Object, Object> accessor = name.indexOf('.') < 0 ? find(type, name) : path(type, name);
            if (accessor != null) {
                found.add(accessor);
            }
        }
        switch (found.size()) {
            case 0:
                return MISSING;
            case 1:
                return found.get(0);
            case 2:
                return new FirstOfTwo(found.get(0), found.get(1));
            default:
                return new FirstOf(found);
        }
    }

    /** The accessor of a dotted name, or null when its first step is not found on the class. */
    private static Function<Object, Object> path(Class<?> type, String name) {
        String[] steps = name.split("\\.", -1);
        Function<Object, Object> first = find(type, steps[0]);
        return first == null ? null : new Path(first, later(steps));
    }

    private static Step[] later(String[] steps) {
        Step[] later = new Step[steps.length - 1];
        for (int i = 1; i < steps.length; i++) {
            later[i - 1] = new Step(steps[i]);
        }
        return later;
    }

    private static Function<Object, Object> find(Class<?> type, String name) {
        if (name.isEmpty()) {
            return null;
        }
        String capitalised = Character.toUpperCase(name.charAt(0)) + name.substring(1);
        for (String candidate : new String[] {name, "get" + capitalised, "is" + capitalised}) {
            Method method = publicMethod(type, candidate);
            if (method == null) {
                method = mangledMethod(type, candidate);
            }
            if (method == null) {
                method = packageMethod(type, candidate);
            }
            if (method != null) {
                Function<Object, Object> compiled = AccessorClass.define(type, method);
                if (compiled != null) {
                    return compiled;
                }
                try {
                    return new Handle(MethodHandles.lookup().unreflect(method).asType(GETTER));
                } catch (IllegalAccessException e) {
                    // not reachable from here; try the next form
                }
            }
        }
        try {
            Field field = type.getField(name);
            if (!Modifier.isStatic(field.getModifiers()) && accessible(field.getDeclaringClass(), field)) {
                Function<Object, Object> compiled = AccessorClass.define(type, field);
                return compiled != null
                        ? compiled
                        : new Handle(MethodHandles.lookup().unreflectGetter(field).asType(GETTER));
            }
        } catch (NoSuchFieldException | IllegalAccessException | SecurityException | LinkageError e) {
            // no such field, or a field's type cannot be found (as for methods, above)
        }
        return null;
    }

    /**
     * A public no-argument instance method, called through a public declaring type where the
     * event's own class is not public (a private record, an anonymous class).
     */
    private static Method publicMethod(Class<?> type, String name) {
        Method method;
        try {
            method = type.getMethod(name);
        } catch (NoSuchMethodException | SecurityException e) {
            return null;
        } catch (LinkageError e) {
            // A method of the class names a class its loader cannot find (an optional
            // dependency left out): reflection on the class fails as a whole, the attribute is absent.
            return null;
        }
        if (Modifier.isStatic(method.getModifiers()) || method.getReturnType() == void.class) {
            return null;
        }
        return accessible(method.getDeclaringClass(), method) ? method : null;
    }

    /**
     * A package-private no-argument instance method of the event's class, or of a superclass in
     * its package and loader: a service that keeps its events to one package ({@code final class
     * OrderPlaced { String id() { ... } }}) reads its own attributes so. Private ones stay the class's
     * own business.
     */
    private static Method packageMethod(Class<?> type, String name) {
        for (Class<?> declaring = type; declaring != null && declaring != Object.class;
                declaring = declaring.getSuperclass()) {
            if (declaring.getClassLoader() != type.getClassLoader()
                    || !declaring.getPackageName().equals(type.getPackageName())) {
                return null; // beyond the package: its package-private methods are not the event's
            }
            Method method;
            try {
                method = declaring.getDeclaredMethod(name);
            } catch (NoSuchMethodException e) {
                continue;
            } catch (SecurityException | LinkageError e) {
                return null; // as in publicMethod
            }
            int modifiers = method.getModifiers();
            if (Modifier.isStatic(modifiers) || Modifier.isPrivate(modifiers) || method.getReturnType() == void.class
                    || method.isSynthetic()) {
                return null;
            }
            return accessible(declaring, method) ? method : null;
        }
        return null;
    }

    /**
     * A Kotlin property of an inline value class type ({@code val aggregateId: OrderId}, where
     * {@code @JvmInline value class OrderId(val value: String)}): its getter's name carries a
     * suffix after a hyphen, {@code getAggregateId-1hv2VK8}, and returns the value inside. No
     * Java method has a hyphen in its name.
     */
    private static Method mangledMethod(Class<?> type, String name) {
        Method[] methods;
        try {
            methods = type.getMethods();
        } catch (SecurityException | LinkageError e) {
            return null;
        }
        for (Method method : methods) {
            String methodName = method.getName();
            if (method.getParameterCount() == 0 && methodName.length() > name.length() + 1
                    && methodName.startsWith(name) && methodName.charAt(name.length()) == '-'
                    && methodName.indexOf('-', name.length() + 1) < 0) {
                return publicMethod(type, methodName);
            }
        }
        return null;
    }

    private static boolean accessible(Class<?> declaring, java.lang.reflect.AccessibleObject member) {
        if (Modifier.isPublic(declaring.getModifiers()) && declaring.getModule().isExported(packageOf(declaring))) {
            return true;
        }
        PackageOpener.openToAgent(declaring);
        try {
            return member.trySetAccessible();
        } catch (SecurityException e) {
            return false;
        }
    }

    private static String packageOf(Class<?> type) {
        return type.getPackageName();
    }

    /** Where no compiled accessor can be defined (JDK 11, a named module's package). */
    static final class Handle implements Function<Object, Object> {
        private final MethodHandle handle;

        Handle(MethodHandle handle) {
            this.handle = handle;
        }

        @Override
        public Object apply(Object event) {
            try {
                return (Object) handle.invokeExact(event);
            } catch (Throwable t) {
                throw Handle.<RuntimeException>rethrow(t);
            }
        }

        /** Passes the event's own exception on unchanged; the caller catches every Throwable. */
        @SuppressWarnings("unchecked")
        private static <T extends Throwable> T rethrow(Throwable t) throws T {
            throw (T) t;
        }
    }

    /** The first value of two accessors, the second read only when the first gives null. */
    private static final class FirstOfTwo implements Function<Object, Object> {
        private final Function<Object, Object> first;
        private final Function<Object, Object> second;

        FirstOfTwo(Function<Object, Object> first, Function<Object, Object> second) {
            this.first = first;
            this.second = second;
        }

        @Override
        public Object apply(Object event) {
            Object value = first.apply(event);
            return value != null ? value : second.apply(event);
        }
    }

    /** The first value of several accessors, tried in order. */
    private static final class FirstOf implements Function<Object, Object> {
        private final Function<Object, Object>[] accessors;

        @SuppressWarnings("unchecked")
        FirstOf(List<Function<Object, Object>> accessors) {
            this.accessors = accessors.toArray(new Function[0]);
        }

        @Override
        public Object apply(Object event) {
            for (Function<Object, Object> accessor : accessors) {
                Object value = accessor.apply(event);
                if (value != null) {
                    return value;
                }
            }
            return null;
        }
    }

    /** A dotted name: its first step, resolved on the event's class, then the later steps. */
    private static final class Path implements Function<Object, Object> {
        private final Function<Object, Object> first;
        private final Step[] later;

        Path(Function<Object, Object> first, Step[] later) {
            this.first = first;
            this.later = later;
        }

        @Override
        public Object apply(Object event) {
            Object value = first.apply(event);
            for (Step step : later) {
                if (value == null) {
                    return null;
                }
                value = step.apply(value);
            }
            return value;
        }
    }

    /** A later step of a path: one name, resolved on each class its values come in. */
    private static final class Step extends ClassValue<Function<Object, Object>> implements Function<Object, Object> {
        private final String name;

        Step(String name) {
            this.name = name;
        }

        @Override
        protected Function<Object, Object> computeValue(Class<?> type) {
            if (Map.class.isAssignableFrom(type)) {
                // Not a lambda: one would hold this step, kept then by the Map class's ClassValue
                // map for as long as the JVM runs, with the step's own values (other loaders' classes).
                return new MapStep(name);
            }
            Function<Object, Object> accessor = find(type, name);
            return accessor != null ? accessor : MISSING;
        }

        @Override
        public Object apply(Object value) {
            return get(value.getClass()).apply(value);
        }
    }

    /** A path's step into a {@code Map}: its key. */
    private static final class MapStep implements Function<Object, Object> {
        private final String key;

        MapStep(String key) {
            this.key = key;
        }

        @Override
        public Object apply(Object map) {
            return ((Map<?, ?>) map).get(key);
        }
    }

    /**
     * The keys of a {@code Map} event, tried in order. A dotted name is first a key as written,
     * then a path whose first step is a key.
     */
    private static final class MapKey implements Function<Object, Object> {
        private final String[] keys;
        /** For each key with dots, the path it also names; else null. */
        private final Path[] paths;

        MapKey(List<String> keys) {
            this.keys = keys.toArray(new String[0]);
            this.paths = new Path[this.keys.length];
            for (int i = 0; i < this.keys.length; i++) {
                if (this.keys[i].indexOf('.') >= 0) {
                    String[] steps = this.keys[i].split("\\.", -1);
                    paths[i] = new Path(new MapStep(steps[0]), later(steps));
                }
            }
        }

        @Override
        public Object apply(Object event) {
            Map<?, ?> map = (Map<?, ?>) event;
            for (int i = 0; i < keys.length; i++) {
                Object value = map.get(keys[i]);
                if (value == null && paths[i] != null) {
                    value = paths[i].apply(map);
                }
                if (value != null) {
                    return value;
                }
            }
            return null;
        }
    }
}
