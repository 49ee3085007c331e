package io.kube9.agent.instrument;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;

/**
 * The advice of one target, written into one method as it passes from the class reader to the
 * class writer. What the method does afterwards, in Java terms:
 *
 * <pre>{@code
 * int[] depth = Kube9Bridge.depths();               // the thread's call depth per site
 * Object event = <event parameter, or null>;        // copied before the method can reassign it
 * Object self = this (or the declaring class);      // projections only
 * long start = Kube9Bridge.startTime(depth);         // projections only
 * int mark = Kube9Bridge.mark(depth, SITE, event);   // recorders and stores: -1, or 0+ without an event
 * depth[SITE]++;                                     // for them: depth[SITE] += mark >>> 31, and so on
 * try {
 *     <the method's own code>; at every return, outside the try:
 *     try {
 *         Kube9Bridge.storeExit(depth, mark, TARGET, "Class#method", event);  // takes the one away
 *     } catch (Throwable notCalled) {                 // only a StackOverflowError calling it
 *         depth[SITE]--;
 *     }
 *     return <what the method returns>;
 * } catch (Throwable thrown) {                        // last in the exception table
 *     try {
 *         Kube9Bridge.projectionExit(depth, TARGET, self, event, start, thrown);  // projections
 *     } catch (Throwable notCalled) {
 *         depth[SITE]--;
 *     }
 *     depth[SITE]--;                                  // recorders and stores, without a call
 *     throw thrown;
 * }
 * }</pre>
 *
 * (with {@code recorderExit} or {@code projectionExit} as the site says). The bridge methods catch
 * everything themselves; what can still fail is calling them at all, with a stack that is all but
 * full (deep recursion through a site), and then they have not begun. So the depth is taken away
 * once on every way out, and an exit call that fails is otherwise ignored: the method's own
 * outcome, its return value or its exception object, is what reaches the caller. The entry's
 * calls come before the increment: if one fails, nothing was changed.
 *
 * <p>The advice's variables live in slots of their own above every slot the method uses
 * ({@code base}, from the method's {@code max_locals}): the method's code never touches them,
 * so they hold one type from the entry to every exit. The class reader expands the stack map
 * frames, and each frame gets these variables added; the handlers' frames declare only them
 * (everything else {@code TOP}), which any instruction in the method is assignable to. The
 * handlers go at the end of the method, after every frame of the method's own.
 *
 * <p>A method that is two kinds of site (rare: a configuration that names it twice) gets two
 * instances, one inside the other, the outer one's slots above the inner one's.
 *
 * <p>A plain recorder or store call without an event of its own (null, or an enum) does not count
 * in the depth ({@code Kube9Bridge.mark}): a convenience overload that builds the event and passes
 * it on lets the call it reaches count, with the real event.
 *
 * <p>A Kotlin {@code suspend} function ({@link EventParameter#isSuspending}) returns a marker
 * when it suspends, and its state machine (when it has one) calls the method again at each
 * resumption, with the event parameter null. Its entry calls {@code Kube9Bridge.suspendEnter}
 * (after the projection's start time, before the increment) with the continuation it was given
 * and the name of its own state machine's class, and keeps what that returns; each of its exits,
 * returns and throws alike, hands that to {@code Kube9Bridge.suspendExit}, and the bridge counts
 * the call once, when it is done ({@code SuspendCalls}).
 *
 * <p>A recorder or store declared to return its work ({@code CompletableFuture} or {@code
 * CompletionStage}) calls {@code exitReturning} at each return instead, and returns what that hands back (cast to its return type): the same stage, given
 * a callback that counts the call when it completes ({@code AsyncCalls}).
 */
final class SiteAdvice extends MethodVisitor {
    static final String BRIDGE = "io/kube9/agent/bridge/Kube9Bridge";
    /** The most the advice pushes on top of what the method had on its stack at a return. */
    private static final int EXTRA_STACK = 8;
    /** The same for a suspend function, whose entry and exits pass more. */
    private static final int EXTRA_STACK_SUSPENDING = 12;

    private static final String SITE_EXIT = "([IIILjava/lang/String;Ljava/lang/Object;)V";
    private static final String MARK = "([IILjava/lang/Object;)I";
    private static final String PROJECTION_EXIT = "([IILjava/lang/Object;Ljava/lang/Object;JLjava/lang/Throwable;)V";
    private static final String SUSPEND_ENTER = "([IIILjava/lang/String;Ljava/lang/Object;Ljava/lang/Object;J"
            + "Ljava/lang/Object;Ljava/lang/String;)Ljava/lang/Object;";
    private static final String SUSPEND_EXIT = "([IIILjava/lang/String;Ljava/lang/Object;Ljava/lang/Object;J"
            + "Ljava/lang/Object;Ljava/lang/Object;Ljava/lang/Throwable;)V";
    private static final String SITE_EXIT_RETURNING = "([IIILjava/lang/String;Ljava/lang/Object;Ljava/lang/Object;)"
            + "Ljava/lang/Object;";
    /** Return types of a method that returns the work it will do: it counts when the work completes. */
    private static final Set<String> WORK_TYPES = Set.of("java/util/concurrent/CompletableFuture",
            "java/util/concurrent/CompletionStage");
    private static final String OBJECT = "java/lang/Object";
    private static final String THROWABLE = "java/lang/Throwable";

    private final Site site;
    private final int target;
    private final String source;
    private final String owner;
    private final boolean isStatic;
    private final int eventSlot;
    /** A Kotlin suspend function: the exits report through {@code suspendExit}. */
    private final boolean suspending;
    private final int continuationSlot;
    /** The binary name of the suspend function's own continuation class, or null (it has no state machine). */
    private final String ownContinuation;
    /** A recorder or store that returns the work it will do ({@link #WORK_TYPES}): the bridge may return another. */
    private final boolean returnsWork;
    /** A plain recorder or store: its depth and exits go by a {@code mark} ({@link #marked}). */
    private final boolean marked;
    /**
     * Its event parameter is declared as what an event is about (a Kubernetes object that is not
     * an Event, in {@code record(WebApp resource, String reason, String message)}): its {@code
     * mark} is asked as for a call without an event, so that the call it makes with the Event it
     * builds counts, with that Event.
     */
    private final boolean aboutAnObject;
    private final String descriptor;
    private final Type returnType;
    private final boolean writeFrames;
    private final boolean classConstants;
    private final int base;
    /** Where the advice's code starts. */
    private final Label entry = new Label();
    /** The line of the method's first instruction, for this advice's entry to take; or -1. */
    private int entryLine;
    /**
     * The ranges the handler covers: the method's code, minus the advice's own exit code (a
     * {@code StackOverflowError} there must not run the exit a second time).
     */
    private final List<Label> covered = new ArrayList<>();
    /** The exit calls at the returns: one that fails goes on to the return as if it had not been made. */
    private final List<Label> returnExitCalls = new ArrayList<>();
    private Label rangeStart = new Label();

    /**
     * @param owner the class's internal name
     * @param sourceClass the internal name of the class the journal's {@code source} names
     * @param base the first slot of the advice's own variables
     * @param writeFrames whether the method has stack map frames to keep whole (class files of
     *     Java 7 and later, or Java 6 ones that carry frames)
     * @param classConstants whether {@code ldc} can load a class (class files of Java 5 and later)
     * @param entryLine the line of the method's first instruction (for the advice whose entry
     *     comes first), or -1
     * @param ownContinuation for a suspend function with a state machine, the internal name of
     *     its continuation class; else null
     */
    SiteAdvice(MethodVisitor next, Site site, int target, String owner, String sourceClass, int access, String name,
            String descriptor, int base, boolean writeFrames, boolean classConstants, int entryLine,
            String ownContinuation, boolean aboutAnObject) {
        super(Weaver.ASM_API, next);
        this.site = site;
        this.target = target;
        this.owner = owner;
        this.source = sourceClass.replace('/', '.') + "#" + KotlinNames.methodName(name);
        this.isStatic = (access & Opcodes.ACC_STATIC) != 0;
        this.eventSlot = EventParameter.slot(isStatic, descriptor);
        this.suspending = EventParameter.isSuspending(descriptor);
        this.continuationSlot = suspending ? EventParameter.continuationSlot(isStatic, descriptor) : -1;
        this.ownContinuation = suspending && ownContinuation != null ? ownContinuation.replace('/', '.') : null;
        this.descriptor = descriptor;
        this.returnType = Type.getReturnType(descriptor);
        this.returnsWork = returnsWork(site, descriptor);
        this.marked = marked(site, descriptor);
        this.aboutAnObject = aboutAnObject;
        this.base = base;
        this.writeFrames = writeFrames;
        this.classConstants = classConstants;
        this.entryLine = entryLine;
    }

    /** Slots the advice keeps for the whole method (the scratch slot comes after). */
    static int slots(Site site, String descriptor) {
        return (site == Site.PROJECTION ? 5 : 2) + (EventParameter.isSuspending(descriptor) ? 1 : 0)
                + (marked(site, descriptor) ? 1 : 0);
    }

    /** A recorder or store declared to return the work it will do ({@link #WORK_TYPES}). */
    private static boolean returnsWork(Site site, String descriptor) {
        Type returnType = Type.getReturnType(descriptor);
        return site != Site.PROJECTION && !EventParameter.isSuspending(descriptor)
                && returnType.getSort() == Type.OBJECT && WORK_TYPES.contains(returnType.getInternalName());
    }

    /**
     * A recorder or store that counts when it returns (not a suspend function, not one that returns
     * its work): whether it counts in the depth is decided as it starts, by its event.
     */
    private static boolean marked(Site site, String descriptor) {
        return site != Site.PROJECTION && !EventParameter.isSuspending(descriptor) && !returnsWork(site, descriptor);
    }

    /** How far the advice may take the method's operand stack past its own {@code max_stack}. */
    static int extraStack(String descriptor) {
        return EventParameter.isSuspending(descriptor) ? EXTRA_STACK_SUSPENDING : EXTRA_STACK;
    }

    private int ownSlots() {
        return slots(site, descriptor);
    }

    /** The size of the scratch slot, after the advice's own: the return value's, or one for the exception. */
    static int scratchSlots(String descriptor) {
        return Math.max(1, Type.getReturnType(descriptor).getSize());
    }

    private int depthSlot() {
        return base;
    }

    private int eventCopySlot() {
        return base + 1;
    }

    private int selfSlot() {
        return base + 2;
    }

    private int startSlot() {
        return base + 3;
    }

    /** A plain recorder's or store's {@code mark}, after the depth and the event. */
    private int markSlot() {
        return base + 2;
    }

    /** What a suspend function's entry returned, after the site's other slots. */
    private int continuationCopySlot() {
        return base + (site == Site.PROJECTION ? 5 : 2);
    }

    /**
     * The thrown exception in the handler, the return value at a return; used only after the
     * method's code has left it, so for an inner advice this is the outer one's first slot,
     * whose exit has already run by then.
     */
    private int scratchSlot() {
        return base + ownSlots();
    }

    @Override
    public void visitCode() {
        super.visitCode();
        super.visitLabel(entry);
        super.visitMethodInsn(Opcodes.INVOKESTATIC, BRIDGE, "depths", "()[I", false);
        super.visitVarInsn(Opcodes.ASTORE, depthSlot());
        if (eventSlot == EventParameter.NONE) {
            super.visitInsn(Opcodes.ACONST_NULL);
        } else {
            super.visitVarInsn(Opcodes.ALOAD, eventSlot);
        }
        super.visitVarInsn(Opcodes.ASTORE, eventCopySlot());
        if (site == Site.PROJECTION) {
            if (!isStatic) {
                super.visitVarInsn(Opcodes.ALOAD, 0);
            } else if (classConstants) {
                super.visitLdcInsn(Type.getObjectType(owner));
            } else {
                super.visitLdcInsn(owner.replace('/', '.'));
                super.visitMethodInsn(Opcodes.INVOKESTATIC, "java/lang/Class", "forName",
                        "(Ljava/lang/String;)Ljava/lang/Class;", false);
            }
            super.visitVarInsn(Opcodes.ASTORE, selfSlot());
            super.visitVarInsn(Opcodes.ALOAD, depthSlot());
            super.visitMethodInsn(Opcodes.INVOKESTATIC, BRIDGE, "startTime", "([I)J", false);
            super.visitVarInsn(Opcodes.LSTORE, startSlot());
        }
        if (marked) {
            super.visitVarInsn(Opcodes.ALOAD, depthSlot());
            push(site.bridgeIndex());
            if (aboutAnObject) {
                super.visitInsn(Opcodes.ACONST_NULL);
            } else {
                super.visitVarInsn(Opcodes.ALOAD, eventCopySlot());
            }
            super.visitMethodInsn(Opcodes.INVOKESTATIC, BRIDGE, "mark", MARK, false);
            super.visitVarInsn(Opcodes.ISTORE, markSlot());
        }
        if (suspending) {
            pushSuspendCall();
            super.visitVarInsn(Opcodes.ALOAD, continuationSlot);
            if (ownContinuation != null) {
                super.visitLdcInsn(ownContinuation);
            } else {
                super.visitInsn(Opcodes.ACONST_NULL);
            }
            super.visitMethodInsn(Opcodes.INVOKESTATIC, BRIDGE, "suspendEnter", SUSPEND_ENTER, false);
            super.visitVarInsn(Opcodes.ASTORE, continuationCopySlot());
        }
        changeDepth(Opcodes.IADD);
        super.visitLabel(rangeStart);
    }

    /**
     * The line of the method's first instruction starts at the advice's entry instead (the first
     * line visited is that one: lines come in the order of the code): a {@code StackOverflowError}
     * at the entry shows the line it would show at the method's first instruction, and the line
     * still has one entry in the table, where a debugger stops once.
     */
    @Override
    public void visitLineNumber(int line, Label start) {
        if (entryLine >= 0 && line == entryLine) {
            entryLine = -1;
            super.visitLineNumber(line, entry);
            return;
        }
        entryLine = -1;
        super.visitLineNumber(line, start);
    }

    @Override
    public void visitInsn(int opcode) {
        if (opcode >= Opcodes.IRETURN && opcode <= Opcodes.RETURN) {
            endRange();
            if (returnType.getSize() > 0) {
                super.visitVarInsn(returnType.getOpcode(Opcodes.ISTORE), scratchSlot());
            }
            Label callStart = new Label();
            Label callEnd = new Label();
            super.visitLabel(callStart);
            exitCall(false);
            super.visitLabel(callEnd);
            returnExitCalls.add(callStart);
            returnExitCalls.add(callEnd);
            if (returnType.getSize() > 0) {
                super.visitVarInsn(returnType.getOpcode(Opcodes.ILOAD), scratchSlot());
            }
            super.visitInsn(opcode);
            rangeStart = new Label();
            super.visitLabel(rangeStart);
            return;
        }
        super.visitInsn(opcode);
    }

    private Label endRange() {
        Label end = new Label();
        super.visitLabel(end);
        covered.add(rangeStart);
        covered.add(end);
        return end;
    }

    @Override
    public void visitFrame(int type, int localCount, Object[] locals, int stackCount, Object[] stack) {
        if (type != Opcodes.F_NEW) {
            // not expanded: the weaver always expands; pass it on rather than guess
            super.visitFrame(type, localCount, locals, stackCount, stack);
            return;
        }
        Object[] withAdvice = withOwnLocals(localCount, locals);
        super.visitFrame(Opcodes.F_NEW, withAdvice.length, withAdvice, stackCount, stack);
    }

    @Override
    public void visitMaxs(int maxStack, int maxLocals) {
        Label handler = endRange();
        handlerFrame(null);
        super.visitVarInsn(Opcodes.ASTORE, scratchSlot());
        Label callStart = new Label();
        Label callEnd = new Label();
        boolean exitOnThrow = site == Site.PROJECTION || suspending;
        if (exitOnThrow) {
            super.visitLabel(callStart);
            exitCall(true);
            super.visitLabel(callEnd);
        } else {
            changeDepth(Opcodes.ISUB);
        }
        super.visitVarInsn(Opcodes.ALOAD, scratchSlot());
        super.visitInsn(Opcodes.ATHROW);
        if (exitOnThrow) {
            Label failed = new Label();
            super.visitLabel(failed);
            handlerFrame(THROWABLE);
            super.visitInsn(Opcodes.POP);
            changeDepth(Opcodes.ISUB);
            super.visitVarInsn(Opcodes.ALOAD, scratchSlot());
            super.visitInsn(Opcodes.ATHROW);
            super.visitTryCatchBlock(callStart, callEnd, failed, null);
        }
        if (!returnExitCalls.isEmpty()) {
            Label failed = new Label();
            super.visitLabel(failed);
            handlerFrame(returnType.getSize() > 0 ? frameType(returnType) : null);
            super.visitInsn(Opcodes.POP);
            changeDepth(Opcodes.ISUB);
            if (returnType.getSize() > 0) {
                super.visitVarInsn(returnType.getOpcode(Opcodes.ILOAD), scratchSlot());
            }
            // not this.visitInsn: an outer advice's exit goes here, this one's has been
            super.visitInsn(returnType.getOpcode(Opcodes.IRETURN));
            for (int i = 0; i < returnExitCalls.size(); i += 2) {
                super.visitTryCatchBlock(returnExitCalls.get(i), returnExitCalls.get(i + 1), failed, null);
            }
        }
        // After the method's own entries: its handlers see its exceptions first.
        for (int i = 0; i < covered.size(); i += 2) {
            Label from = covered.get(i);
            Label to = covered.get(i + 1);
            if (from.getOffset() < to.getOffset()) { // an empty range is not allowed
                super.visitTryCatchBlock(from, to, handler, null);
            }
        }
        // Within the JVM's limits: the weaver leaves a method alone that would pass them.
        super.visitMaxs(maxStack + extraStack(descriptor), Math.max(maxLocals, scratchSlot() + scratchSlots(descriptor)));
    }

    /**
     * The frame of a handler of the advice: its own variables, then what the scratch slot holds
     * (or nothing), and the caught exception on the stack.
     */
    private void handlerFrame(Object scratch) {
        if (!writeFrames) {
            return;
        }
        Object[] own = withOwnLocals(0, new Object[0]);
        Object[] locals = scratch == null ? own : Arrays.copyOf(own, own.length + 1);
        if (scratch != null) {
            locals[own.length] = scratch;
        }
        super.visitFrame(Opcodes.F_NEW, locals.length, locals, 1, new Object[] {THROWABLE});
    }

    private static Object frameType(Type type) {
        switch (type.getSort()) {
            case Type.BOOLEAN:
            case Type.CHAR:
            case Type.BYTE:
            case Type.SHORT:
            case Type.INT:
                return Opcodes.INTEGER;
            case Type.FLOAT:
                return Opcodes.FLOAT;
            case Type.LONG:
                return Opcodes.LONG;
            case Type.DOUBLE:
                return Opcodes.DOUBLE;
            default:
                return type.getInternalName(); // an array's descriptor, a class's internal name
        }
    }

    /**
     * {@code depth[site] += 1} or {@code -= 1} ({@code mark >>> 31}, 1 or 0, for a {@link
     * #marked} one): array instructions on a non-null array, which cannot fail.
     */
    private void changeDepth(int addOrSubtract) {
        super.visitVarInsn(Opcodes.ALOAD, depthSlot());
        push(site.bridgeIndex());
        super.visitInsn(Opcodes.DUP2);
        super.visitInsn(Opcodes.IALOAD);
        if (marked) {
            super.visitVarInsn(Opcodes.ILOAD, markSlot());
            push(31);
            super.visitInsn(Opcodes.IUSHR);
        } else {
            super.visitInsn(Opcodes.ICONST_1);
        }
        super.visitInsn(addOrSubtract);
        super.visitInsn(Opcodes.IASTORE);
    }

    /** The exit call (it takes the depth away), with the exception in the scratch slot (projections) or none. */
    private void exitCall(boolean thrown) {
        if (suspending) {
            suspendExitCall(thrown);
            return;
        }
        super.visitVarInsn(Opcodes.ALOAD, depthSlot());
        if (site == Site.PROJECTION) {
            push(target);
            super.visitVarInsn(Opcodes.ALOAD, selfSlot());
            super.visitVarInsn(Opcodes.ALOAD, eventCopySlot());
            super.visitVarInsn(Opcodes.LLOAD, startSlot());
            if (thrown) {
                super.visitVarInsn(Opcodes.ALOAD, scratchSlot());
            } else {
                super.visitInsn(Opcodes.ACONST_NULL);
            }
            super.visitMethodInsn(Opcodes.INVOKESTATIC, BRIDGE, "projectionExit", PROJECTION_EXIT, false);
        } else if (returnsWork && !thrown) {
            // the bridge hands back what the method returns, a stage with a callback
            push(site.bridgeIndex());
            push(target);
            super.visitLdcInsn(source);
            super.visitVarInsn(Opcodes.ALOAD, eventCopySlot());
            super.visitVarInsn(Opcodes.ALOAD, scratchSlot());
            super.visitMethodInsn(Opcodes.INVOKESTATIC, BRIDGE, "exitReturning", SITE_EXIT_RETURNING, false);
            super.visitTypeInsn(Opcodes.CHECKCAST, returnType.getInternalName());
            super.visitVarInsn(Opcodes.ASTORE, scratchSlot());
        } else {
            super.visitVarInsn(Opcodes.ILOAD, markSlot());
            push(target);
            super.visitLdcInsn(source);
            super.visitVarInsn(Opcodes.ALOAD, eventCopySlot());
            super.visitMethodInsn(Opcodes.INVOKESTATIC, BRIDGE,
                    site == Site.RECORDER ? "recorderExit" : "storeExit", SITE_EXIT, false);
        }
    }

    /**
     * What the suspend entry and exits both pass first: {@code depth, SITE, TARGET,
     * "Class#method", self (projections; else null), event, start (projections; else 0)}.
     */
    private void pushSuspendCall() {
        super.visitVarInsn(Opcodes.ALOAD, depthSlot());
        push(site.bridgeIndex());
        push(target);
        super.visitLdcInsn(source);
        if (site == Site.PROJECTION) {
            super.visitVarInsn(Opcodes.ALOAD, selfSlot());
        } else {
            super.visitInsn(Opcodes.ACONST_NULL);
        }
        super.visitVarInsn(Opcodes.ALOAD, eventCopySlot());
        if (site == Site.PROJECTION) {
            super.visitVarInsn(Opcodes.LLOAD, startSlot());
        } else {
            super.visitInsn(Opcodes.LCONST_0);
        }
    }

    /**
     * {@code Kube9Bridge.suspendExit(depth, SITE, TARGET, "Class#method", self, event, start,
     * call, result, thrown)}, {@code call} being what the entry returned, with the result or the
     * exception in the scratch slot (a suspend function returns an {@code Object}).
     */
    private void suspendExitCall(boolean thrown) {
        pushSuspendCall();
        super.visitVarInsn(Opcodes.ALOAD, continuationCopySlot());
        if (thrown) {
            super.visitInsn(Opcodes.ACONST_NULL);
            super.visitVarInsn(Opcodes.ALOAD, scratchSlot());
        } else {
            super.visitVarInsn(Opcodes.ALOAD, scratchSlot());
            super.visitInsn(Opcodes.ACONST_NULL);
        }
        super.visitMethodInsn(Opcodes.INVOKESTATIC, BRIDGE, "suspendExit", SUSPEND_EXIT, false);
    }

    /**
     * A frame's locals with the advice's variables in their slots: the method's own below
     * {@code base} (padded with {@code TOP}), then ours, then whatever an outer advice added
     * above them.
     */
    private Object[] withOwnLocals(int localCount, Object[] locals) {
        List<Object> out = new ArrayList<>(localCount + 8);
        int in = 0;
        int inSlot = 0;
        while (in < localCount && inSlot < base) {
            out.add(locals[in]);
            inSlot += width(locals[in]);
            in++;
        }
        for (int slot = inSlot; slot < base; slot++) {
            out.add(Opcodes.TOP);
        }
        out.add("[I");
        out.add(OBJECT);
        if (site == Site.PROJECTION) {
            out.add(OBJECT);
            out.add(Opcodes.LONG);
        }
        if (suspending) {
            out.add(OBJECT);
        }
        if (marked) {
            out.add(Opcodes.INTEGER);
        }
        int end = base + ownSlots();
        while (in < localCount && inSlot < end) {
            inSlot += width(locals[in]);
            in++;
        }
        while (in < localCount) {
            out.add(locals[in++]);
        }
        return out.toArray();
    }

    private static int width(Object local) {
        return local == Opcodes.LONG || local == Opcodes.DOUBLE ? 2 : 1;
    }

    private void push(int value) {
        if (value >= -1 && value <= 5) {
            super.visitInsn(Opcodes.ICONST_0 + value);
        } else if (value >= Byte.MIN_VALUE && value <= Byte.MAX_VALUE) {
            super.visitIntInsn(Opcodes.BIPUSH, value);
        } else if (value >= Short.MIN_VALUE && value <= Short.MAX_VALUE) {
            super.visitIntInsn(Opcodes.SIPUSH, value);
        } else {
            super.visitLdcInsn(value);
        }
    }
}
