using System.Security.Cryptography;
using System.Text;

namespace XAnalytics.Stages.Desensitize;

/// <summary>
/// The secret key of keyed pseudonyms: a pseudonym is HMAC-SHA256(key, UTF-8 username), its first 16 bytes
/// (128 bits) written in base32 (RFC 4648 alphabet, lower case, no padding): 26 characters from
/// <c>a-z2-7</c>, safe in paths, URLs and file names. The same username gets the same pseudonym in every run,
/// on every thread, with the same key; without the key, pseudonyms cannot be recomputed from guessed names.
/// </summary>
/// <remarks>Neither <see cref="ToString"/> nor any error message shows the key.</remarks>
public sealed class PseudonymKey
{
    /// <summary>The environment variable <see cref="FromEnvironment"/> reads: the key as hex or base64.</summary>
    public const string EnvironmentVariable = "XANALYTICS_PSEUDONYM_KEY";

    /// <summary>Fewest key bytes accepted (128 bits).</summary>
    public const int MinimumBytes = 16;

    /// <summary>Most bytes a key file may hold (64 KiB): a key is short, and a device such as <c>/dev/zero</c> never ends.</summary>
    public const int MaxFileBytes = 64 * 1024;

    /// <summary>Characters of a keyed pseudonym.</summary>
    public const int PseudonymLength = 26;

    private const string Base32 = "abcdefghijklmnopqrstuvwxyz234567";
    private static readonly System.Buffers.SearchValues<char> s_hex = System.Buffers.SearchValues.Create("0123456789abcdefABCDEF");
    private readonly byte[] _key;

    private PseudonymKey(byte[] key) => _key = key;

    /// <summary>A key from raw bytes (at least <see cref="MinimumBytes"/>).</summary>
    /// <exception cref="ArgumentException">Too short.</exception>
    public static PseudonymKey FromBytes(ReadOnlySpan<byte> key)
    {
        if (key.Length < MinimumBytes)
        {
            throw new ArgumentException($"A pseudonym key needs at least {MinimumBytes} bytes; this one has {key.Length}.", nameof(key));
        }

        return new PseudonymKey(key.ToArray());
    }

    /// <summary>A key written as hex (<c>0-9a-f</c>, even length) or base64 / base64url. Text that is valid hex is read as hex.</summary>
    /// <exception cref="ArgumentException">Neither hex nor base64, or too short (the message does not show the text).</exception>
    public static PseudonymKey Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!TryDecodeText(text.Trim(), out byte[]? bytes))
        {
            throw new ArgumentException("The pseudonym key is neither hex nor base64.", nameof(text));
        }

        return FromBytes(bytes);
    }

    /// <summary>
    /// Reads a key file: hex or base64 text (surrounding white space ignored); else a passphrase, text of at least
    /// <see cref="MinimumBytes"/> bytes without the one line end (<c>\n</c> or <c>\r\n</c>) an editor or
    /// <c>echo</c> adds, so <c>echo PHRASE &gt; key</c> and <c>printf PHRASE &gt; key</c> are the same key; else at least
    /// <see cref="MinimumBytes"/> raw bytes, as they stand (<c>head -c 32 /dev/urandom &gt; key</c>). At most
    /// <see cref="MaxFileBytes"/> bytes are read.
    /// </summary>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    /// <exception cref="ArgumentException">
    /// The file holds no usable key, or more than <see cref="MaxFileBytes"/> bytes (the message does not show its content).
    /// </exception>
    public static PseudonymKey Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        byte[] content = ReadCapped(path);
        try
        {
            string text;
            try
            {
                text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(content).Trim();
            }
            catch (DecoderFallbackException)
            {
                return FromBytes(content);
            }

            if (TryDecodeText(text, out byte[]? bytes))
            {
                return FromBytes(bytes);
            }

            int end = content.Length;
            if (end > 0 && content[end - 1] == (byte)'\n')
            {
                end -= end > 1 && content[end - 2] == (byte)'\r' ? 2 : 1;
            }

            if (end >= MinimumBytes)
            {
                return FromBytes(content.AsSpan(0, end));
            }

            throw new ArgumentException($"The pseudonym key file '{path}' holds no usable key (hex, base64, or at least {MinimumBytes} raw bytes).", nameof(path));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(content);
        }
    }

    /// <summary>The file's bytes, at most <see cref="MaxFileBytes"/>; reads one byte more to know there is no more.</summary>
    private static byte[] ReadCapped(string path)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1);
        byte[] buffer = new byte[MaxFileBytes + 1];
        int n = 0;
        int read;
        while (n < buffer.Length && (read = file.Read(buffer, n, buffer.Length - n)) > 0)
        {
            n += read;
        }

        if (n > MaxFileBytes)
        {
            CryptographicOperations.ZeroMemory(buffer);
            throw new ArgumentException(
                $"The pseudonym key file '{path}' is longer than {MaxFileBytes / 1024} KiB: a key is a short secret (hex, base64, a passphrase or raw bytes).", nameof(path));
        }

        byte[] content = buffer[..n];
        CryptographicOperations.ZeroMemory(buffer);
        return content;
    }

    /// <summary>The key in <see cref="EnvironmentVariable"/>.</summary>
    /// <exception cref="ArgumentException">Unset, or not a usable key (the message does not show the value).</exception>
    public static PseudonymKey FromEnvironment()
    {
        string? value = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new ArgumentException($"No pseudonym key: set {EnvironmentVariable} (hex or base64) or give a key file.");
        }

        try
        {
            return Parse(value);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"{EnvironmentVariable}: {e.Message}", e);
        }
    }

    /// <summary>The pseudonym of <paramref name="username"/>.</summary>
    public string Pseudonymize(string username)
    {
        ArgumentNullException.ThrowIfNull(username);
        Span<byte> output = stackalloc byte[PseudonymLength];
        Write(Encoding.UTF8.GetBytes(username), output);
        return Encoding.ASCII.GetString(output);
    }

    /// <inheritdoc/>
    public override string ToString() => "PseudonymKey(hidden)";

    /// <summary>Writes the pseudonym of UTF-8 <paramref name="username"/> into the first 26 bytes of <paramref name="output"/>.</summary>
    internal void Write(ReadOnlySpan<byte> username, Span<byte> output)
    {
        Span<byte> hash = stackalloc byte[32];
        HMACSHA256.HashData(_key, username, hash);
        int bits = 0;
        int buffer = 0;
        int o = 0;
        for (int i = 0; i < 16; i++)
        {
            buffer = (buffer << 8) | hash[i];
            bits += 8;
            while (bits >= 5)
            {
                bits -= 5;
                output[o++] = (byte)Base32[(buffer >> bits) & 31];
            }
        }

        output[o] = (byte)Base32[(buffer << (5 - bits)) & 31];
    }

    private static bool TryDecodeText(string text, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out byte[]? bytes)
    {
        bytes = null;
        if (text.Length == 0)
        {
            return false;
        }

        if (text.Length % 2 == 0 && !text.AsSpan().ContainsAnyExcept(s_hex))
        {
            bytes = Convert.FromHexString(text);
            return true;
        }

        string b64 = text.Replace('-', '+').Replace('_', '/');
        b64 = b64.PadRight(b64.Length + ((4 - (b64.Length % 4)) % 4), '=');
        var buffer = new byte[b64.Length];
        if (Convert.TryFromBase64String(b64, buffer, out int n))
        {
            bytes = buffer[..n];
            return true;
        }

        return false;
    }
}
