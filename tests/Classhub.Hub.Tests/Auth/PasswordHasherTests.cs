using System.Globalization;

namespace Classhub.Hub.Auth.Tests;

public sealed class PasswordHasherTests
{
    // Cheap hashes for behaviour; one test below pays for the real default.
    private readonly PasswordHasher _fast = new(1_000);

    [Fact]
    public void DefaultIterations_Value_MeetsOwaspFloor()
    {
        Assert.True(PasswordHasher.DefaultIterations >= 600_000, $"{PasswordHasher.DefaultIterations} < 600000");
    }

    [Fact]
    public void Hash_DefaultIterations_HasSchemeIterationsSaltAndHash()
    {
        var hasher = new PasswordHasher(PasswordHasher.DefaultIterations);

        var stored = hasher.Hash("correct horse battery staple");

        var parts = stored.Split('$');
        Assert.Equal(4, parts.Length);
        Assert.Equal("pbkdf2-sha256", parts[0]);
        Assert.Equal(PasswordHasher.DefaultIterations, int.Parse(parts[1], CultureInfo.InvariantCulture));
        Assert.Equal(16, Convert.FromBase64String(parts[2]).Length);
        Assert.Equal(32, Convert.FromBase64String(parts[3]).Length);
        Assert.True(hasher.Verify("correct horse battery staple", stored));
    }

    [Fact]
    public void Verify_RightPassword_IsTrue()
    {
        var stored = _fast.Hash("s3cret-Pässword");

        Assert.True(_fast.Verify("s3cret-Pässword", stored));
    }

    [Theory]
    [InlineData("s3cret-passworD")]
    [InlineData("s3cret-password ")]
    [InlineData("")]
    [InlineData("s3cret-passwor")]
    public void Verify_WrongPassword_IsFalse(string attempt)
    {
        var stored = _fast.Hash("s3cret-password");

        Assert.False(_fast.Verify(attempt, stored));
    }

    [Fact]
    public void Hash_SamePasswordTwice_UsesDifferentSalts()
    {
        var first = _fast.Hash("same");
        var second = _fast.Hash("same");

        Assert.NotEqual(first, second);
        Assert.NotEqual(first.Split('$')[2], second.Split('$')[2]);
        Assert.True(_fast.Verify("same", first));
        Assert.True(_fast.Verify("same", second));
    }

    [Fact]
    public void Hash_Password_DoesNotContainIt()
    {
        Assert.DoesNotContain("hunter2hunter2", _fast.Hash("hunter2hunter2"), StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_HashMadeWithFewerIterations_StillVerifiesWithItsOwnCount()
    {
        var old = new PasswordHasher(10).Hash("legacy");

        Assert.True(_fast.Verify("legacy", old));
        Assert.False(_fast.Verify("other", old));
    }

    [Fact]
    public void Verify_StoredIterationCountChanged_IsFalse()
    {
        var parts = _fast.Hash("pw").Split('$');
        parts[1] = "1001";

        Assert.False(_fast.Verify("pw", string.Join('$', parts)));
    }

    [Theory]
    [InlineData("")]
    [InlineData("pw")]
    [InlineData("$$$")]
    [InlineData("bcrypt$1000$c2FsdHNhbHRzYWx0c2FsdA==$aGFzaA==")]
    [InlineData("pbkdf2-sha256$abc$c2FsdHNhbHRzYWx0c2FsdA==$aGFzaA==")]
    [InlineData("pbkdf2-sha256$0$c2FsdHNhbHRzYWx0c2FsdA==$aGFzaA==")]
    [InlineData("pbkdf2-sha256$-1$c2FsdHNhbHRzYWx0c2FsdA==$aGFzaA==")]
    [InlineData("pbkdf2-sha256$1000$c2FsdHNhbHRzYWx0c2FsdA==")]
    [InlineData("pbkdf2-sha256$1000$c2FsdHNhbHRzYWx0c2FsdA==$aGFzaA==$extra")]
    [InlineData("pbkdf2-sha256$1000$not base64!$aGFzaA==")]
    [InlineData("pbkdf2-sha256$1000$c2FsdHNhbHRzYWx0c2FsdA==$not base64!")]
    [InlineData("pbkdf2-sha256$1000$c2FsdHNhbHRzYWx0c2FsdA==$")]
    [InlineData("pbkdf2-sha256$1000$$aGFzaA==")]
    [InlineData("pbkdf2-sha256$1000$c2FsdHNhbHRzYWx0c2FsdA==$AA==")]
    public void Verify_MalformedStoredHash_IsFalse(string stored)
    {
        Assert.False(_fast.Verify("pw", stored));
        Assert.False(_fast.Verify("", stored));
    }

    [Fact]
    public void Verify_StoredHashWithEmptyHashPart_RefusesEveryPassword()
    {
        // An empty derived key would compare equal to an empty stored one: a sign-in bypass.
        var salt = _fast.Hash("pw").Split('$')[2];

        Assert.False(_fast.Verify("anything at all", $"pbkdf2-sha256$1000${salt}$"));
    }

    [Fact]
    public void Verify_NullStoredHash_IsFalse()
    {
        Assert.False(_fast.Verify("anything", null));
        Assert.False(_fast.Verify("", null));
    }
}
