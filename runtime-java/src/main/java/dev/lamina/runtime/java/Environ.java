package dev.lamina.runtime.java;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Array;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Replaces the environment of this process, once, at hand-over: the C environment itself, with glibc's {@code
 * clearenv} and {@code setenv} called through the foreign function API, before anything has read it through {@code
 * java.lang.ProcessEnvironment} (which copies it at its first use). {@link System#getenv()}, native code ({@code
 * getenv(3)}) and child processes then all see the new environment, exactly as they would have seen it at a normal
 * start, and no JDK internals are touched.
 *
 * <p>The foreign function API is final in JDK 22 and a preview API in JDK 21; it is called through method handles,
 * using only what both have (this class is compiled for Java 17), so that it runs on JDK 21 and later without {@code
 * --enable-preview}. It needs {@code --enable-native-access=ALL-UNNAMED}, which Java instances have anyway.
 *
 * <p>Why not replace the JDK's copy ({@code ProcessEnvironment}'s maps, through reflection and {@code --add-opens
 * java.base/java.lang}), which JDK 17 would allow: {@code System.getenv()} would be right, but a child process
 * started without an explicit environment, and native code, would see the pre-start environment.
 */
final class Environ {

    private final MethodHandle clearenv; // () -> int
    private final MethodHandle setenv; // (MemorySegment, MemorySegment, int) -> int, as (Object, Object, int) -> int
    private final MethodHandle ofConfined; // () -> Arena, as () -> Object
    private final MethodHandle allocate; // (SegmentAllocator, long) -> MemorySegment, as (Object, long) -> Object
    private final MethodHandle asByteBuffer; // (MemorySegment) -> ByteBuffer, as (Object) -> ByteBuffer
    private final MethodHandle close; // (Arena) -> void, as (Object) -> void

    private Environ() throws ReflectiveOperationException {
        MethodHandles.Lookup lookup = MethodHandles.publicLookup();
        Class<?> linkerClass = Class.forName("java.lang.foreign.Linker");
        Class<?> symbolLookup = Class.forName("java.lang.foreign.SymbolLookup");
        Class<?> segment = Class.forName("java.lang.foreign.MemorySegment");
        Class<?> descriptor = Class.forName("java.lang.foreign.FunctionDescriptor");
        Class<?> layout = Class.forName("java.lang.foreign.MemoryLayout");
        Class<?> valueLayout = Class.forName("java.lang.foreign.ValueLayout");
        Class<?> option = Class.forName("java.lang.foreign.Linker$Option");
        Class<?> arena = Class.forName("java.lang.foreign.Arena");
        Class<?> allocator = Class.forName("java.lang.foreign.SegmentAllocator");

        Object linker = linkerClass.getMethod("nativeLinker").invoke(null);
        Object libc = linkerClass.getMethod("defaultLookup").invoke(linker);
        Object jint = valueLayout.getField("JAVA_INT").get(null);
        Object address = valueLayout.getField("ADDRESS").get(null);
        var of = descriptor.getMethod("of", layout, layout.arrayType());
        var downcall = linkerClass.getMethod("downcallHandle", segment, descriptor, option.arrayType());
        var find = symbolLookup.getMethod("find", String.class);
        Object[] setenvArguments = (Object[]) Array.newInstance(layout, 3);
        setenvArguments[0] = address;
        setenvArguments[1] = address;
        setenvArguments[2] = jint;
        Object noOptions = Array.newInstance(option, 0);
        clearenv = (MethodHandle) downcall.invoke(
                linker,
                ((Optional<?>) find.invoke(libc, "clearenv")).orElseThrow(),
                of.invoke(null, jint, Array.newInstance(layout, 0)),
                noOptions);
        setenv = ((MethodHandle) downcall.invoke(
                        linker,
                        ((Optional<?>) find.invoke(libc, "setenv")).orElseThrow(),
                        of.invoke(null, jint, setenvArguments),
                        noOptions))
                .asType(MethodType.methodType(int.class, Object.class, Object.class, int.class));
        ofConfined = lookup.unreflect(arena.getMethod("ofConfined")).asType(MethodType.methodType(Object.class));
        allocate = lookup.unreflect(allocator.getMethod("allocate", long.class))
                .asType(MethodType.methodType(Object.class, Object.class, long.class));
        asByteBuffer = lookup.unreflect(segment.getMethod("asByteBuffer"))
                .asType(MethodType.methodType(ByteBuffer.class, Object.class));
        close = lookup.unreflect(arena.getMethod("close")).asType(MethodType.methodType(void.class, Object.class));
    }

    /**
     * Prepares the replacement (before hand-over, so that it costs nothing then); fails on a JVM without the foreign
     * function API (before JDK 21) or without native access.
     */
    static Environ prepare() throws Throwable {
        Environ environ = new Environ();
        environ.set("LAMINA_PRESTART", "1"); // runs the code path once; the variable has this value
        return environ;
    }

    /** Makes {@code env} the whole environment of the process. */
    void replace(Map<String, String> env) throws Throwable {
        if ((int) clearenv.invokeExact() != 0) {
            throw new IllegalStateException("clearenv failed");
        }
        for (Map.Entry<String, String> e : env.entrySet()) {
            set(e.getKey(), e.getValue());
        }
        // Nothing may have read the environment before: the JDK would keep showing the pre-start one.
        if (!Objects.equals(System.getenv("_HANDLER"), env.get("_HANDLER"))
                || !Objects.equals(System.getenv("LAMINA_PRESTART"), env.get("LAMINA_PRESTART"))) {
            throw new IllegalStateException("the JDK read the environment before hand-over");
        }
    }

    private void set(String name, String value) throws Throwable {
        Object arena = (Object) ofConfined.invokeExact();
        try {
            if ((int) setenv.invokeExact(string(arena, name), string(arena, value), 1) != 0) {
                throw new IllegalStateException("setenv failed for " + name);
            }
        } finally {
            close.invokeExact(arena);
        }
    }

    /** A NUL-terminated UTF-8 copy of {@code s} in {@code arena} (whose memory is zeroed). */
    private Object string(Object arena, String s) throws Throwable {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        Object segment = (Object) allocate.invokeExact(arena, (long) bytes.length + 1);
        ((ByteBuffer) asByteBuffer.invokeExact(segment)).put(bytes);
        return segment;
    }
}
