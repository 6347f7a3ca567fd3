using Classhub.EndToEnd.Tests;

namespace Classhub.Auth.Tests;

/// <summary>The hub's console logger writes from a background queue: wait a little for a line instead of racing it.</summary>
public static class HubLog
{
    public static async Task<bool> ContainsAsync(HubProcess hub, string text, int seconds = 10)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(seconds);
        while (!hub.Output.Contains(text, StringComparison.Ordinal))
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            await Task.Delay(50);
        }

        return true;
    }
}
