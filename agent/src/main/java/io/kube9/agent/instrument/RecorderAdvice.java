package io.kube9.agent.instrument;

import io.kube9.agent.bridge.Kube9Bridge;
import net.bytebuddy.asm.Advice;

/** Inlined into recorder methods: one bridge call on the way in, one on the way out. */
final class RecorderAdvice {
    private RecorderAdvice() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static int[] enter() {
        return Kube9Bridge.enter(Kube9Bridge.RECORDER);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(@Advice.Enter int[] depth, @TargetIndex int target, @Source String source,
            @EventArgument Object event, @Advice.Thrown Throwable thrown) {
        Kube9Bridge.recorderExit(depth, target, source, event, thrown);
    }
}
