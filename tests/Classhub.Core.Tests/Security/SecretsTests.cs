namespace Classhub.Core.Security.Tests;

public sealed class SecretsTests
{
    [Fact]
    public void New_Called_Returns64LowerCaseHexCharacters()
    {
        var secret = Secrets.New();

        Assert.Equal(64, secret.Length);
        Assert.All(secret, c => Assert.True(c is (>= '0' and <= '9') or (>= 'a' and <= 'f'), $"'{c}' is not lower-case hex"));
    }

    [Fact]
    public void New_CalledRepeatedly_ReturnsDistinctSecrets()
    {
        var secrets = Enumerable.Range(0, 1000).Select(_ => Secrets.New()).ToHashSet(StringComparer.Ordinal);

        Assert.Equal(1000, secrets.Count);
    }

    [Fact]
    public void Hash_SameInput_IsStable()
    {
        var secret = Secrets.New();

        Assert.Equal(Secrets.Hash(secret), Secrets.Hash(secret));
    }

    [Fact]
    public void Hash_Secret_DiffersFromInputAndFromOtherSecrets()
    {
        var a = Secrets.New();
        var b = Secrets.New();

        Assert.NotEqual(a, Secrets.Hash(a));
        Assert.DoesNotContain(a, Secrets.Hash(a), StringComparison.Ordinal);
        Assert.NotEqual(Secrets.Hash(a), Secrets.Hash(b));
    }

    [Fact]
    public void Hash_KnownInput_IsSha256Hex()
    {
        // SHA-256("abc"), FIPS 180-2 test vector.
        Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", Secrets.Hash("abc"));
    }

    [Fact]
    public void Prefix_LongSecret_KeepsFirstFourCharacters()
    {
        Assert.Equal("abcd", Secrets.Prefix("abcdef0123"));
        Assert.Equal("ab", Secrets.Prefix("ab"));
    }

    [Fact]
    public void FixedTimeEquals_EqualStrings_IsTrue()
    {
        var secret = Secrets.New();

        Assert.True(Secrets.FixedTimeEquals(secret, new string(secret.AsSpan())));
    }

    [Theory]
    [InlineData("abc", "abd")]
    [InlineData("abc", "abcd")]
    [InlineData("abc", "")]
    [InlineData("abc", "ABC")]
    public void FixedTimeEquals_DifferentStrings_IsFalse(string a, string b)
    {
        Assert.False(Secrets.FixedTimeEquals(a, b));
    }
}
