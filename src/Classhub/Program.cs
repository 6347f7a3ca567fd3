using Classhub.Cli;

namespace Classhub;

/// <summary>
/// classhub: the classroom hub appliance. The command line is the table of contents:
/// <c>serve</c> runs the hub (<see cref="Hosting.HubHost"/>); <c>user</c> and <c>token</c> manage accounts.
/// </summary>
internal static class Program
{
    private static int Main(string[] args) => CommandLine.Build().Run(args);
}
