package io.kube9.agent.capture;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Reads one attribute from events of one class: a no-argument method (record component or
 * plain accessor), a getter ({@code getX}, {@code isX}), a public field, or a {@code Map} key.
 * Resolved once per class into a {@code Function} that returns the attribute or null, and may
 * throw whatever the event's own code throws: a compiled {@link AccessorClass} where the JVM
 * allows one, else a method handle. {@link #MISSING} when the class has none of the names.
 */
final class Accessor {
    static final Function<Object, Object> MISSING = event -> null;

    private static final MethodType GETTER = MethodType.methodType(Object.class, Object.class);

    private Accessor() {}

    static Function<Object, Object> resolve(Class<?> type, List<String> names) {
        if (Map.class.isAssignableFrom(type)) {
            return new MapKey(names);
        }
        for (String name : names) {
            Function<Object, Object> accessor = find(type, name);
            if (accessor != null) {
                return accessor;
            }
        }
        return MISSING;
    }

    private static Function<Object, Object> find(Class<?> type, String name) {
        String capitalised = Character.toUpperCase(name.charAt(0)) + name.substring(1);
        for (String candidate : new String[] {name, "get" + capitalised, "is" + capitalised}) {
            Method method = publicMethod(type, candidate);
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
        } catch (NoSuchFieldException | IllegalAccessException | SecurityException e) {
            // no such field
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
        }
        if (Modifier.isStatic(method.getModifiers()) || method.getReturnType() == void.class) {
            return null;
        }
        return accessible(method.getDeclaringClass(), method) ? method : null;
    }

    private static boolean accessible(Class<?> declaring, java.lang.reflect.AccessibleObject member) {
        if (Modifier.isPublic(declaring.getModifiers()) && declaring.getModule().isExported(packageOf(declaring))) {
            return true;
        }
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

    private static final class MapKey implements Function<Object, Object> {
        private final String[] keys;

        MapKey(List<String> keys) {
            this.keys = keys.toArray(new String[0]);
        }

        @Override
        public Object apply(Object event) {
            Map<?, ?> map = (Map<?, ?>) event;
            for (String key : keys) {
                Object value = map.get(key);
                if (value != null) {
                    return value;
                }
            }
            return null;
        }
    }
}
