package io.kube9.agent.instrument;

import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;

/**
 * The one class of a library the agent changes: Kotlin's {@code BaseContinuationImpl}, whose
 * {@code resumeWith} runs every resumption of a compiled suspend function or lambda, one frame
 * of the coroutine after another, each with {@code invokeSuspend(outcome)}. Before each of those
 * calls it now hands the continuation and the outcome to {@code Kube9Bridge.resuming}: a suspend
 * site without a state machine (its last call suspends for it, {@code = withContext(IO) { ... }})
 * is done, with that outcome, when its caller's continuation is resumed ({@code SuspendCalls}).
 *
 * <p>Nothing else changes: no branch, no local variable; the continuation and the outcome are
 * copied on the operand stack ({@code dup2}) around the call. When no such call is under way the
 * bridge returns after reading one volatile field. A {@code resumeWith} without the call (a Kotlin
 * whose loop is written otherwise) is left as it is, and such sites count at their first return.
 */
final class ResumeHook {
    /** The class, as the JVM names it while loading it. */
    static final String CLASS = "kotlin/coroutines/jvm/internal/BaseContinuationImpl";
    private static final String RESUME_WITH = "resumeWith";
    private static final String INVOKE_SUSPEND = "invokeSuspend";
    private static final String OUTCOME = "(Ljava/lang/Object;)Ljava/lang/Object;";
    private static final String RESUMING = "(Ljava/lang/Object;Ljava/lang/Object;Ljava/lang/Class;)V";

    private ResumeHook() {}

    /** The class file with the hook, or null when its {@code resumeWith} has no call to hook. */
    static byte[] weave(byte[] classFile) {
        ClassReader reader = new ClassReader(classFile);
        ClassWriter writer = new ClassWriter(reader, 0);
        int[] hooked = new int[1];
        reader.accept(new ClassVisitor(Weaver.ASM_API, writer) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                    String[] exceptions) {
                MethodVisitor next = super.visitMethod(access, name, descriptor, signature, exceptions);
                if (!name.equals(RESUME_WITH) || !descriptor.equals("(Ljava/lang/Object;)V") || next == null) {
                    return next;
                }
                return new MethodVisitor(Weaver.ASM_API, next) {
                    @Override
                    public void visitMethodInsn(int opcode, String owner, String method, String methodDescriptor,
                            boolean isInterface) {
                        if (opcode == Opcodes.INVOKEVIRTUAL && owner.equals(CLASS) && method.equals(INVOKE_SUSPEND)
                                && methodDescriptor.equals(OUTCOME)) {
                            super.visitInsn(Opcodes.DUP2); // the continuation, the outcome
                            super.visitLdcInsn(Type.getObjectType(CLASS));
                            super.visitMethodInsn(Opcodes.INVOKESTATIC, SiteAdvice.BRIDGE, "resuming", RESUMING, false);
                            hooked[0]++;
                        }
                        super.visitMethodInsn(opcode, owner, method, methodDescriptor, isInterface);
                    }

                    @Override
                    public void visitMaxs(int maxStack, int maxLocals) {
                        super.visitMaxs(maxStack + 3, maxLocals);
                    }
                };
            }
        }, 0);
        return hooked[0] == 0 ? null : writer.toByteArray();
    }
}
