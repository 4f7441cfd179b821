using XAnalytics.Stages.Desensitize;

namespace XAnalytics.Tests.Stages.Desensitize;

public sealed class PseudonymKeyTests : IDisposable
{
    private const string Hex = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("xanalytics-key-");

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public void Parse_HexAndBase64_SameKey()
    {
        byte[] bytes = Convert.FromHexString(Hex);
        string a = PseudonymKey.Parse(Hex).Pseudonymize("u_x");
        Assert.Equal(a, PseudonymKey.Parse(Convert.ToBase64String(bytes)).Pseudonymize("u_x"));
        Assert.Equal(a, PseudonymKey.Parse(Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_')).Pseudonymize("u_x"));
        Assert.Equal(a, PseudonymKey.FromBytes(bytes).Pseudonymize("u_x"));
    }

    [Fact]
    public void Pseudonymize_KnownVector_HmacSha256Base32()
    {
        // HMAC-SHA256(key = 0x00..0x1f, "u_x"), first 16 bytes, base32 lower case: computed independently.
        byte[] hash = System.Security.Cryptography.HMACSHA256.HashData(Convert.FromHexString(Hex), "u_x"u8);
        Assert.Equal(Base32(hash.AsSpan(0, 16)), PseudonymKey.Parse(Hex).Pseudonymize("u_x"));
    }

    [Theory]
    [InlineData("\n")]
    [InlineData("\r\n")]
    public void Load_Passphrase_OneTrailingLineEndIgnored(string lineEnd)
    {
        string bare = Path.Combine(_dir.FullName, "bare.txt");
        File.WriteAllText(bare, "canary passphrase, tests only!");
        string ended = Path.Combine(_dir.FullName, "ended.txt");
        File.WriteAllText(ended, "canary passphrase, tests only!" + lineEnd);
        string twice = Path.Combine(_dir.FullName, "twice.txt");
        File.WriteAllText(twice, "canary passphrase, tests only!" + lineEnd + lineEnd);

        Assert.Equal(PseudonymKey.Load(bare).Pseudonymize("u_y"), PseudonymKey.Load(ended).Pseudonymize("u_y"));
        Assert.NotEqual(PseudonymKey.Load(bare).Pseudonymize("u_y"), PseudonymKey.Load(twice).Pseudonymize("u_y"));
    }

    [Fact]
    public void Load_EndlessOrHugeFile_RefusedAfterTheCap()
    {
        string big = Path.Combine(_dir.FullName, "big.bin");
        File.WriteAllBytes(big, new byte[PseudonymKey.MaxFileBytes + 1]);
        string atCap = Path.Combine(_dir.FullName, "cap.bin");
        File.WriteAllBytes(atCap, new byte[PseudonymKey.MaxFileBytes]);

        Assert.Contains("64 KiB", Assert.Throws<ArgumentException>(() => PseudonymKey.Load(big)).Message, StringComparison.Ordinal);
        Assert.Equal(26, PseudonymKey.Load(atCap).Pseudonymize("u_y").Length);
        if (File.Exists("/dev/zero"))
        {
            Assert.Throws<ArgumentException>(() => PseudonymKey.Load("/dev/zero"));
        }
    }

    [Fact]
    public void Load_TextOrRawFile()
    {
        string text = Path.Combine(_dir.FullName, "key.txt");
        File.WriteAllText(text, Hex + "\n");
        string raw = Path.Combine(_dir.FullName, "key.bin");
        File.WriteAllBytes(raw, [0xff, 0xfe, .. Convert.FromHexString(Hex)]);

        Assert.Equal(PseudonymKey.Parse(Hex).Pseudonymize("u_y"), PseudonymKey.Load(text).Pseudonymize("u_y"));
        Assert.Equal(26, PseudonymKey.Load(raw).Pseudonymize("u_y").Length);
    }

    [Fact]
    public void Errors_NeverEchoTheKey()
    {
        const string secret = "abcd1234secretzz";
        ArgumentException e = Assert.Throws<ArgumentException>(() => PseudonymKey.Parse(secret + "!!"));
        Assert.DoesNotContain(secret, e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ArgumentException>(() => PseudonymKey.Parse("abcd"));
        Assert.DoesNotContain("abcd", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Hex, PseudonymKey.Parse(Hex).ToString(), StringComparison.Ordinal);
        string file = Path.Combine(_dir.FullName, "short.txt");
        File.WriteAllText(file, "sh0rt");
        e = Assert.Throws<ArgumentException>(() => PseudonymKey.Load(file));
        Assert.DoesNotContain("sh0rt", e.Message, StringComparison.Ordinal);
    }

    private static string Base32(ReadOnlySpan<byte> data)
    {
        const string alphabet = "abcdefghijklmnopqrstuvwxyz234567";
        var bits = new System.Text.StringBuilder();
        foreach (byte b in data)
        {
            bits.Append(Convert.ToString(b, 2).PadLeft(8, '0'));
        }

        while (bits.Length % 5 != 0)
        {
            bits.Append('0');
        }

        var result = new System.Text.StringBuilder();
        for (int i = 0; i < bits.Length; i += 5)
        {
            result.Append(alphabet[Convert.ToInt32(bits.ToString(i, 5), 2)]);
        }

        return result.ToString();
    }
}
