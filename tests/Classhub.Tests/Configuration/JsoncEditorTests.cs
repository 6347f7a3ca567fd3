using System.Text.Json;
using Classhub.Configuration;

namespace Classhub.Configuration.Tests;

public sealed class JsoncEditorTests
{
    private const string Commented = """
        // classhub configuration
        {
          // the public name
          "domain": "old.example.edu",
          "tls": {
            /* how */ "mode": "auto" // trailing note
          }
        }
        """;

    [Fact]
    public void Set_ExistingKey_ReplacesOnlyTheValueAndKeepsComments()
    {
        var result = JsoncEditor.Set(Commented, "domain", "\"hub.example.edu\"");

        Assert.Equal(Commented.Replace("old.example.edu", "hub.example.edu", StringComparison.Ordinal), result);
    }

    [Fact]
    public void Set_NestedExistingKey_ReplacesInPlace()
    {
        var result = JsoncEditor.Set(Commented, "tls.mode", "\"manual\"");

        Assert.Contains("/* how */ \"mode\": \"manual\" // trailing note", result, StringComparison.Ordinal);
        Assert.Equal("manual", HubConfig.Parse(null, result).Text("tls.mode"));
    }

    [Fact]
    public void Set_MissingKeyInExistingObject_AddsMember()
    {
        var result = JsoncEditor.Set(Commented, "tls.email", "\"admin@example.edu\"");

        var config = HubConfig.Parse(null, result);
        Assert.Empty(config.Problems);
        Assert.Equal("admin@example.edu", config.Text("tls.email"));
        Assert.Equal("auto", config.Text("tls.mode"));
        Assert.Contains("// trailing note", result, StringComparison.Ordinal);
    }

    [Fact]
    public void Set_MissingParentObject_CreatesIt()
    {
        var result = JsoncEditor.Set(Commented, "acme.directory", "\"https://ca.example.edu/dir\"");

        var config = HubConfig.Parse(null, result);
        Assert.Empty(config.Problems);
        Assert.Equal("https://ca.example.edu/dir", config.Text("acme.directory"));
        Assert.Equal("old.example.edu", config.Text("domain"));
    }

    [Fact]
    public void Set_EmptyObject_AddsFirstMember()
    {
        var result = JsoncEditor.Set("{}", "idle_timeout", "120");

        Assert.Equal(TimeSpan.FromSeconds(120), HubConfig.Parse(null, result).Seconds("idle_timeout"));
    }

    [Fact]
    public void Set_ArrayValue_ReplacesWholeArray()
    {
        var text = "{ \"extra_domains\": [\"a.example.edu\", \"b.example.edu\"], \"domain\": \"x.example.edu\" }";

        var result = JsoncEditor.Set(text, "extra_domains", "[\"c.example.edu\"]");

        Assert.Equal(["c.example.edu"], HubConfig.Parse(null, result).TextList("extra_domains"));
        Assert.Equal("x.example.edu", HubConfig.Parse(null, result).Text("domain"));
    }

    [Fact]
    public void Set_EveryKeyOnTheDefaultFile_ProducesAValidFile()
    {
        var text = DefaultConfigFile.Render();
        foreach (var key in ConfigSchema.Keys)
        {
            text = JsoncEditor.Set(text, key.Name, key.DefaultJson);
        }

        Assert.Empty(HubConfig.Parse(null, text).Problems);
        Assert.Equal(DefaultConfigFile.Render(), text);
    }
}
