using System.Globalization;
using Classhub.Spawning.Processes;
using Classhub.Spawning.Unix;

namespace Classhub.Cli;

/// <summary>
/// Whether an interpreter given to <c>kernel add</c> has ipykernel, found out by running it. The interpreter is
/// whatever file the admin named (a TA's environment, a student's "python"): as root it is run as <c>nobody</c>
/// through setpriv (no groups, no capabilities, no new privileges, a fresh environment), in isolated mode (-I: no
/// PYTHON* variables, nothing imported from the working directory), with a time limit. That is also the test that
/// matters: students run the kernel as themselves, not as root, so an interpreter only root can run is no use.
/// </summary>
internal static class InterpreterCheck
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private const string Setpriv = "/usr/bin/setpriv";

    /// <summary>Null when <paramref name="interpreter"/> imports ipykernel; else what is wrong (without the command's prefix).</summary>
    public static async Task<string?> ProblemAsync(IProcessRunner runner, string interpreter, CancellationToken cancellationToken)
    {
        var (file, arguments) = Command(interpreter);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        ProcessResult result;
        try
        {
            result = await runner.RunAsync(file, arguments, timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return $"{interpreter} -c 'import ipykernel' did not finish within {Timeout.TotalSeconds:0} s (it was stopped); check that it is a Python interpreter";
        }

        if (result.Succeeded)
        {
            return null;
        }

        if (result.ExitCode is 126 or 127 && UnixAccounts.IsRoot)
        {
            return $"{interpreter} cannot be run by an unprivileged user ({result.StandardError.Trim()}); students run the kernel as themselves, so make it and its folders readable and executable by everyone";
        }

        var env = Path.GetFileName(Path.GetDirectoryName(Path.GetDirectoryName(interpreter))) ?? "ENV";
        return $"{interpreter} has no ipykernel; install it into that environment: {interpreter} -m pip install ipykernel (or conda install -n {env} ipykernel)";
    }

    /// <summary>The command line: as root, dropped to nobody first; otherwise (development) as the invoking user.</summary>
    internal static (string File, IReadOnlyList<string> Arguments) Command(string interpreter)
    {
        string[] check = [interpreter, "-I", "-c", "import ipykernel"];
        if (!UnixAccounts.IsRoot)
        {
            return (interpreter, check[1..]);
        }

        var nobody = UnixAccounts.FindByName("nobody");
        var uid = (nobody?.Uid ?? 65534).ToString(CultureInfo.InvariantCulture);
        var gid = (nobody?.Gid ?? 65534).ToString(CultureInfo.InvariantCulture);
        return (Setpriv, [$"--reuid={uid}", $"--regid={gid}", "--clear-groups", "--inh-caps=-all", "--bounding-set=-all", "--no-new-privs", "--reset-env", "--", .. check]);
    }
}
