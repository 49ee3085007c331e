package io.kube9.agent.capture;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.List;
import java.util.Map;

/**
 * Reads one attribute from events of one class: a no-argument method (record component or
 * plain accessor), a getter ({@code getX}, {@code isX}), a public field, or a {@code Map} key.
 * Resolved once per class; {@link #MISSING} when the class has none of the names.
 */
abstract class Accessor {
    static final Accessor MISSING = new Accessor() {
        @Override
        Object read(Object event) {
            return null;
        }
    };

    private static final MethodType GETTER = MethodType.methodType(Object.class, Object.class);

    /** The attribute, or null when absent. May throw whatever the event's own code throws. */
    abstract Object read(Object event) throws Throwable;

    static Accessor resolve(Class<?> type, List<String> names) {
        if (Map.class.isAssignableFrom(type)) {
            return new MapKey(names);
        }
        for (String name : names) {
            MethodHandle handle = find(type, name);
            if (handle != null) {
                return new Handle(handle.asType(GETTER));
            }
        }
        return MISSING;
    }

    private static MethodHandle find(Class<?> type, String name) {
        String capitalised = Character.toUpperCase(name.charAt(0)) + name.substring(1);
        for (String candidate : new String[] {name, "get" + capitalised, "is" + capitalised}) {
            Method method = publicMethod(type, candidate);
            if (method != null) {
                try {
                    return MethodHandles.lookup().unreflect(method);
                } catch (IllegalAccessException e) {
                    // not reachable from here; try the next form
                }
            }
        }
        try {
            Field field = type.getField(name);
            if (!Modifier.isStatic(field.getModifiers()) && accessible(field.getDeclaringClass(), field)) {
                return MethodHandles.lookup().unreflectGetter(field);
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

    private static final class Handle extends Accessor {
        private final MethodHandle handle;

        Handle(MethodHandle handle) {
            this.handle = handle;
        }

        @Override
        Object read(Object event) throws Throwable {
            return (Object) handle.invokeExact(event);
        }
    }

    private static final class MapKey extends Accessor {
        private final String[] keys;

        MapKey(List<String> keys) {
            this.keys = keys.toArray(new String[0]);
        }

        @Override
        Object read(Object event) {
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
