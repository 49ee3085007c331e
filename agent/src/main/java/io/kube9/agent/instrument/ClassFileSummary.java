package io.kube9.agent.instrument;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The little of a class file that matching needs: its flags, its superclass and interfaces, and
 * the names and flags of its methods. Read with JDK types only, straight from the bytes, so that
 * deciding that a class is not a site (nearly every class the service loads) costs neither Byte
 * Buddy's type pool nor its start-up.
 */
final class ClassFileSummary {
    static final int ACC_BRIDGE = 0x0040;
    static final int ACC_NATIVE = 0x0100;
    static final int ACC_ABSTRACT = 0x0400;
    static final int ACC_SYNTHETIC = 0x1000;

    private final int access;
    private final String superName;
    private final String[] interfaces;
    private final List<String> methodNames;
    private final int[] methodAccess;

    private ClassFileSummary(int access, String superName, String[] interfaces, List<String> methodNames,
            int[] methodAccess) {
        this.access = access;
        this.superName = superName;
        this.interfaces = interfaces;
        this.methodNames = methodNames;
        this.methodAccess = methodAccess;
    }

    /** @throws IOException when the bytes are not a class file */
    static ClassFileSummary parse(byte[] bytes) throws IOException {
        Reader in = new Reader(bytes);
        if (in.u4() != 0xCAFEBABE) {
            throw new IOException("not a class file");
        }
        in.skip(4); // minor, major version
        int count = in.u2();
        int[] offsets = new int[count];
        for (int i = 1; i < count; i++) {
            offsets[i] = in.position;
            int tag = in.u1();
            switch (tag) {
                case 1: in.skip(in.u2()); break;                  // Utf8
                case 7: case 8: case 16: case 19: case 20: in.skip(2); break;
                case 15: in.skip(3); break;                       // MethodHandle
                case 3: case 4: case 9: case 10: case 11: case 12: case 17: case 18: in.skip(4); break;
                case 5: case 6: in.skip(8); i++; break;           // Long, Double: two entries
                default: throw new IOException("unknown constant pool tag " + tag);
            }
        }
        int access = in.u2();
        in.skip(2); // this_class: the JVM gives the name
        String superName = className(bytes, offsets, in.u2());
        String[] interfaces = new String[in.u2()];
        for (int i = 0; i < interfaces.length; i++) {
            interfaces[i] = className(bytes, offsets, in.u2());
        }
        int fields = in.u2();
        for (int i = 0; i < fields; i++) {
            in.skip(6);
            skipAttributes(in);
        }
        int methods = in.u2();
        List<String> methodNames = new ArrayList<>(methods);
        int[] methodAccess = new int[methods];
        for (int i = 0; i < methods; i++) {
            methodAccess[i] = in.u2();
            methodNames.add(utf8(bytes, offsets, in.u2()));
            in.skip(2); // descriptor
            skipAttributes(in);
        }
        return new ClassFileSummary(access, superName, interfaces, methodNames, methodAccess);
    }

    /** An interface or an abstract class: a type that is there to be a supertype. */
    boolean isAbstract() {
        return (access & ACC_ABSTRACT) != 0; // interfaces are abstract too
    }

    boolean isSynthetic() {
        return (access & ACC_SYNTHETIC) != 0;
    }

    /** The superclass's binary name, or null for {@code java.lang.Object} (and module-info). */
    String superName() {
        return superName;
    }

    String[] interfaces() {
        return interfaces;
    }

    /** Whether a method of one of these names has a body the advice can go into. */
    boolean declaresConcreteMethod(List<String> names) {
        for (int i = 0; i < methodNames.size(); i++) {
            if ((methodAccess[i] & (ACC_ABSTRACT | ACC_NATIVE | ACC_BRIDGE | ACC_SYNTHETIC)) == 0
                    && names.contains(KotlinNames.methodName(methodNames.get(i)))) {
                return true;
            }
        }
        return false;
    }

    private static void skipAttributes(Reader in) {
        int attributes = in.u2();
        for (int i = 0; i < attributes; i++) {
            in.skip(2);
            in.skip(in.u4());
        }
    }

    private static String className(byte[] bytes, int[] offsets, int index) throws IOException {
        if (index == 0) {
            return null;
        }
        int nameIndex = ((bytes[offsets[index] + 1] & 0xFF) << 8) | (bytes[offsets[index] + 2] & 0xFF);
        return utf8(bytes, offsets, nameIndex).replace('/', '.');
    }

    /** A Utf8 entry: u2 length and modified UTF-8, which is what {@link DataInputStream#readUTF} reads. */
    private static String utf8(byte[] bytes, int[] offsets, int index) throws IOException {
        int offset = offsets[index] + 1;
        int length = ((bytes[offset] & 0xFF) << 8) | (bytes[offset + 1] & 0xFF);
        boolean ascii = true;
        for (int i = offset + 2, end = offset + 2 + length; i < end && ascii; i++) {
            ascii = bytes[i] > 0;
        }
        if (ascii) {
            return new String(bytes, offset + 2, length, StandardCharsets.ISO_8859_1);
        }
        return new DataInputStream(new ByteArrayInputStream(bytes, offset, length + 2)).readUTF();
    }

    /** Big-endian reads; a truncated class file ends in an index exception, which the caller counts. */
    private static final class Reader {
        private final byte[] bytes;
        int position;

        Reader(byte[] bytes) {
            this.bytes = bytes;
        }

        int u1() {
            return bytes[position++] & 0xFF;
        }

        int u2() {
            return (u1() << 8) | u1();
        }

        int u4() {
            return (u2() << 16) | u2();
        }

        void skip(int count) {
            position += count;
        }
    }
}
