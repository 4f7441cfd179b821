using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace XAnalytics.Sources;

/// <summary>
/// Raw deflate decoding with Intel ISA-L's igzip (<c>libisal.so.2</c>, Debian's <c>libisal2</c>), loaded at run
/// time where the machine has it. It decodes about twice as fast as the runtime's zlib-ng; without it, or when
/// <c>XANALYTICS_INFLATER=zlib</c> is set, the engine uses <see cref="System.IO.Compression.DeflateStream"/>, with
/// the same results and the same checks.
/// </summary>
/// <remarks>
/// <para>No C header is compiled against: the state is ISA-L's <c>struct inflate_state</c>, of which only fields
/// at fixed offsets are touched (soname 2, as in ISA-L 2.30's <c>igzip_lib.h</c>): the six stream fields at its
/// start, <c>read_in_length</c>, and <c>block_state</c>. The library is used only after a self-test decodes a known
/// stream through these offsets and gets its bytes and its end exactly; a library whose layout differs fails the
/// test and is left alone. The state is allocated with room to spare (four times its size in 2.30).</para>
/// <para>One instance per reading thread at a time; not thread-safe. Owns unmanaged memory: dispose it.</para>
/// </remarks>
internal sealed class IsalInflater : IDisposable
{
    private const int StateBytes = 4 * 87_368; // sizeof(struct inflate_state) in ISA-L 2.30 is 87,368
    private const int NextOut = 0;
    private const int AvailOut = 8;
    private const int NextIn = 16;
    private const int ReadIn = 24;
    private const int AvailIn = 32;
    private const int ReadInLength = 36;
    private const int BlockState = 21_160;
    private const int BlockFinish = 5; // ISAL_BLOCK_FINISH

    private static readonly Lazy<Api?> s_api = new(LoadAndTest);
    private readonly Api _api;
    private IntPtr _state;

    private IsalInflater(Api api)
    {
        _api = api;
        _state = Marshal.AllocHGlobal(StateBytes);
        Reset();
    }

    /// <summary>Whether ISA-L is loaded and passed its self-test (and not switched off).</summary>
    public static bool IsAvailable => s_api.Value is not null;

    /// <summary>Which inflater gzip input uses: <c>isa-l</c> or <c>zlib-ng</c> (the runtime's).</summary>
    public static string Name => IsAvailable ? "isa-l" : "zlib-ng";

    /// <summary>True once the final deflate block has been decoded and all its bytes were handed out.</summary>
    public bool Finished { get; private set; }

    /// <summary>A decoder when ISA-L is available, else null.</summary>
    public static IsalInflater? TryCreate() => s_api.Value is { } api ? new IsalInflater(api) : null;

    /// <summary>Starts a new raw deflate stream.</summary>
    public void Reset()
    {
        _api.Init(_state);
        Finished = false;
    }

    /// <summary>
    /// Decodes from <paramref name="input"/> (pinned, <paramref name="inputLength"/> bytes) into <paramref name="output"/>
    /// (pinned, <paramref name="outputLength"/> bytes). Returns the bytes written; <paramref name="consumed"/> says how many
    /// input bytes were taken into the decoder (it buffers up to 8 beyond what it decoded: see <see cref="TakeUnusedBytes"/>).
    /// </summary>
    /// <exception cref="InvalidDataException">The deflate data is corrupt.</exception>
    public int Inflate(IntPtr input, int inputLength, IntPtr output, int outputLength, out int consumed)
    {
        Marshal.WriteIntPtr(_state, NextIn, input);
        Marshal.WriteInt32(_state, AvailIn, inputLength);
        Marshal.WriteIntPtr(_state, NextOut, output);
        Marshal.WriteInt32(_state, AvailOut, outputLength);
        int status = _api.Inflate(_state);
        if (status < 0)
        {
            throw new InvalidDataException($"the deflate data is corrupt (ISA-L status {status})");
        }

        consumed = inputLength - Marshal.ReadInt32(_state, AvailIn);
        Finished = Marshal.ReadInt32(_state, BlockState) == BlockFinish;
        return outputLength - Marshal.ReadInt32(_state, AvailOut);
    }

    /// <summary>
    /// Once <see cref="Finished"/>: the whole bytes the decoder had read ahead past the end of the deflate data (the
    /// start of what follows it, in order), written to <paramref name="destination"/> (8 bytes); returns how many.
    /// </summary>
    public int TakeUnusedBytes(Span<byte> destination)
    {
        ulong bits = (ulong)Marshal.ReadInt64(_state, ReadIn);
        int length = Marshal.ReadInt32(_state, ReadInLength);
        bits >>= length % 8; // the rest of the last deflate byte is padding
        int bytes = length / 8;
        Span<byte> all = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(all, bits);
        all[..bytes].CopyTo(destination);
        return bytes;
    }

    public void Dispose()
    {
        if (_state != IntPtr.Zero)
        {
            Marshal.FreeHGlobal(_state);
            _state = IntPtr.Zero;
        }
    }

    private static Api? LoadAndTest()
    {
        string? choice = Environment.GetEnvironmentVariable("XANALYTICS_INFLATER");
        if (string.Equals(choice, "zlib", StringComparison.OrdinalIgnoreCase) || !OperatingSystem.IsLinux()
            || !NativeLibrary.TryLoad("libisal.so.2", typeof(IsalInflater).Assembly, null, out IntPtr library)
            || !NativeLibrary.TryGetExport(library, "isal_inflate_init", out IntPtr init)
            || !NativeLibrary.TryGetExport(library, "isal_inflate", out IntPtr inflate))
        {
            return null;
        }

        var api = new Api(Marshal.GetDelegateForFunctionPointer<InitFunction>(init), Marshal.GetDelegateForFunctionPointer<InflateFunction>(inflate));
        try
        {
            return SelfTest(api) ? api : null;
        }
        catch (Exception e) when (e is InvalidDataException or AccessViolationException or ArgumentException)
        {
            return null;
        }
    }

    /// <summary>Decodes a stream the runtime encoded, followed by 8 known bytes, one byte of input at a time and all at once.</summary>
    private static bool SelfTest(Api api)
    {
        ReadOnlySpan<byte> text = "{\"event_type\": \"play_video\", \"n\": 12}\n"u8;
        byte[] plain = new byte[70_000];
        for (int i = 0; i < plain.Length; i++)
        {
            plain[i] = (byte)(text[i % text.Length] ^ (i % 251 == 0 ? 0x20 : 0));
        }

        using var compressed = new MemoryStream();
        using (var deflate = new System.IO.Compression.DeflateStream(compressed, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true))
        {
            deflate.Write(plain);
        }

        compressed.Write("TRAILER!"u8);
        byte[] input = compressed.ToArray();
        return Decodes(api, input, plain, input.Length) && Decodes(api, input, plain, 1);
    }

    private static bool Decodes(Api api, byte[] input, byte[] plain, int step)
    {
        using var inflater = new IsalInflater(api);
        byte[] output = new byte[plain.Length + 16];
        GCHandle inHandle = GCHandle.Alloc(input, GCHandleType.Pinned);
        GCHandle outHandle = GCHandle.Alloc(output, GCHandleType.Pinned);
        try
        {
            int at = 0;
            int written = 0;
            while (!inflater.Finished && at < input.Length)
            {
                int n = Math.Min(step, input.Length - at);
                written += inflater.Inflate(inHandle.AddrOfPinnedObject() + at, n, outHandle.AddrOfPinnedObject() + written, output.Length - written, out int consumed);
                at += consumed;
                if (consumed == 0 && !inflater.Finished)
                {
                    return false;
                }
            }

            Span<byte> unused = stackalloc byte[8];
            int buffered = inflater.TakeUnusedBytes(unused);
            int end = at - buffered; // where the deflate data ended: the trailer must start here
            return inflater.Finished && written == plain.Length && output.AsSpan(0, written).SequenceEqual(plain)
                && end == input.Length - 8 && unused[..buffered].SequenceEqual(input.AsSpan(end, buffered));
        }
        finally
        {
            inHandle.Free();
            outHandle.Free();
        }
    }

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate void InitFunction(IntPtr state);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate int InflateFunction(IntPtr state);

    private sealed record Api(InitFunction Init, InflateFunction Inflate);
}
