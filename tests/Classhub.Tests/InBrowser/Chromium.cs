using System.Text.Json;
using Classhub.EndToEnd.Tests;
using Microsoft.Playwright;

namespace Classhub.InBrowser.Tests;

/// <summary>The two screens students meet classhub on: a laptop and a school iPad.</summary>
public sealed record Screen(string Name, int Width, int Height, bool Touch, string? UserAgent)
{
    public static readonly Screen Desktop = new("desktop", 1280, 800, false, null);

    public static readonly Screen IPad = new("ipad", 820, 1180, true, "Mozilla/5.0 (iPad; CPU OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1");

    public static Screen ByName(string name) => name == IPad.Name ? IPad : Desktop;

    public BrowserNewContextOptions Options(Uri baseUrl) => new()
    {
        BaseURL = baseUrl.ToString(),
        ViewportSize = new ViewportSize { Width = Width, Height = Height },
        IsMobile = Touch,
        HasTouch = Touch,
        UserAgent = UserAgent,
        DeviceScaleFactor = Touch ? 2 : 1,
        TimezoneId = "Europe/Berlin",
        // The hub's CSP forbids inline scripts; axe-core is injected by the test, so only the test bypasses it.
        BypassCSP = true,
    };
}

/// <summary>
/// Debian's headless chromium driven by Playwright (no browser download), plus what every page test checks:
/// a screenshot saved as a test artifact, axe-core's accessibility rules, and no horizontal scrolling.
/// </summary>
public sealed class Chromium : IAsyncLifetime
{
    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    public static string ScreenshotDir => Path.Combine(HubProcess.RepoRoot, "artifacts", "screenshots");

    public async Task InitializeAsync()
    {
        _playwright = await Playwright.CreateAsync();
        // Playwright's 5 s default is tight on a 2-core CI machine that builds a Debian image at the same time.
        Assertions.SetDefaultExpectTimeout(15_000);
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = File.Exists("/usr/lib/chromium/chromium") ? "/usr/lib/chromium/chromium" : "/usr/bin/chromium",
            Headless = true,
            Args = ["--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic", "--disable-gpu"],
        });
    }

    public async Task DisposeAsync()
    {
        await Browser.CloseAsync();
        _playwright?.Dispose();
    }

    /// <summary>Saves a full-page screenshot, runs axe-core and checks the page does not scroll sideways.</summary>
    public static async Task CheckPageAsync(IPage page, Screen screen, string name)
    {
        var dir = Path.Combine(ScreenshotDir, screen.Name);
        Directory.CreateDirectory(dir);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(dir, name + ".png"), FullPage = true });

        var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth");
        Assert.True(overflow <= 0, $"{name} on {screen.Name} scrolls sideways by {overflow}px");

        await page.AddScriptTagAsync(new PageAddScriptTagOptions { Path = Path.Combine(HubProcess.RepoRoot, "tests", "Classhub.Tests", "InBrowser", "node_modules", "axe-core", "axe.min.js") });
        var json = await page.EvaluateAsync<JsonElement>("""
            async () => {
              const r = await axe.run(document, { resultTypes: ['violations'] });
              return r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
                .map(v => v.id + ': ' + v.help + ' @ ' + v.nodes.map(n => n.target.join(' ')).join(', '));
            }
            """);
        var violations = json.EnumerateArray().Select(v => v.GetString()).ToList();
        Assert.True(violations.Count == 0, $"{name} on {screen.Name}: {string.Join("\n", violations)}");
    }
}
