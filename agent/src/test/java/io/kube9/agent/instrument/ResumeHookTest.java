package io.kube9.agent.instrument;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.MethodVisitor;
import org.junit.jupiter.api.Test;

/** The hook, woven into the real {@code BaseContinuationImpl} of the Kotlin on the tests' class path. */
class ResumeHookTest {

    @Test
    void everyResumptionOfAFrameIsHandedToTheBridgeFirst() throws IOException {
        byte[] woven = ResumeHook.weave(classFile(ResumeHook.CLASS));

        assertThat(woven).isNotNull();
        assertThat(callsIn(woven, "resumeWith")).containsSubsequence(
                "io/kube9/agent/bridge/Kube9Bridge.resuming", ResumeHook.CLASS + ".invokeSuspend");
        assertThat(callsIn(classFile(ResumeHook.CLASS), "resumeWith"))
                .doesNotContain("io/kube9/agent/bridge/Kube9Bridge.resuming");
    }

    @Test
    void theWovenClassPassesTheVerifier() throws Exception {
        byte[] woven = ResumeHook.weave(classFile(ResumeHook.CLASS));
        ClassLoader kotlin = new ClassLoader(null) {
            @Override
            protected Class<?> findClass(String name) throws ClassNotFoundException {
                String internal = name.replace('.', '/');
                try {
                    byte[] bytes = internal.equals(ResumeHook.CLASS) ? woven : classFile(internal);
                    return defineClass(name, bytes, 0, bytes.length);
                } catch (IOException | RuntimeException e) {
                    throw new ClassNotFoundException(name, e);
                }
            }
        };

        Class<?> linked = Class.forName(ResumeHook.CLASS.replace('/', '.'), true, kotlin);

        assertThat(linked.getClassLoader()).isSameAs(kotlin);
    }

    @Test
    void aClassWithoutTheResumptionIsLeftAsItIs() throws IOException {
        assertThat(ResumeHook.weave(classFile("kotlin/coroutines/jvm/internal/ContinuationImpl"))).isNull();
    }

    private static byte[] classFile(String internalName) throws IOException {
        try (InputStream in = ResumeHookTest.class.getClassLoader().getResourceAsStream(internalName + ".class")) {
            if (in == null) {
                throw new IOException("no class file for " + internalName);
            }
            return in.readAllBytes();
        }
    }

    private static List<String> callsIn(byte[] classFile, String method) {
        List<String> calls = new ArrayList<>();
        new ClassReader(classFile).accept(new ClassVisitor(Weaver.ASM_API) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                    String[] exceptions) {
                if (!name.equals(method)) {
                    return null;
                }
                return new MethodVisitor(Weaver.ASM_API) {
                    @Override
                    public void visitMethodInsn(int opcode, String owner, String called, String calledDescriptor,
                            boolean isInterface) {
                        calls.add(owner + "." + called);
                    }
                };
            }
        }, 0);
        return calls;
    }
}
