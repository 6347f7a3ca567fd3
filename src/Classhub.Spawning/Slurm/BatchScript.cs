using System.Globalization;
using System.Text;
using Classhub.Core.Servers;

namespace Classhub.Spawning.Slurm;

/// <summary>
/// The <c>sbatch</c> command line and the batch script for one server. The script carries the server's token, so it
/// goes to sbatch on stdin (Slurm keeps it in its root-only spool) and never on a command line; the arguments hold
/// only the job's name and resources. On the node the script picks a free port, reports host and port to the hub
/// with the server's own token, then execs the unmodified single-user server on that port.
/// </summary>
internal static class BatchScript
{
    /// <summary>The program and arguments that submit the job as <paramref name="unixUser"/>; the script goes on stdin.</summary>
    public static IReadOnlyList<string> SubmitArguments(SlurmSpawnerOptions options, string userName, string unixUser, string home, SlurmJobSettings job)
    {
        var args = new List<string>
        {
            // A clean, known environment: sbatch hands the submitting environment to the job, and the hub's own
            // (root's PATH, XDG_RUNTIME_DIR, ...) is no business of the student's server.
            "-u", unixUser, "--", "env", "-i", $"PATH={options.JobPath}", $"HOME={home}", $"USER={unixUser}", $"LOGNAME={unixUser}", "LANG=C.UTF-8",
            options.Sbatch, "--parsable",
            $"--job-name=classhub-{userName}",
            $"--chdir={home}",
            $"--output={Path.Combine(home, ".classhub-slurm-%j.log")}",
            "--nodes=1", "--ntasks=1",
        };
        if (job.Partition.Length > 0)
        {
            args.Add($"--partition={job.Partition}");
        }

        if (job.TimeLimit.Length > 0)
        {
            args.Add($"--time={job.TimeLimit}");
        }

        if (job.Memory.Length > 0)
        {
            args.Add($"--mem={job.Memory}");
        }

        if (job.Cpus > 0)
        {
            args.Add(string.Create(CultureInfo.InvariantCulture, $"--cpus-per-task={job.Cpus}"));
        }

        if (job.Gpus > 0)
        {
            args.Add(string.Create(CultureInfo.InvariantCulture, $"--gres=gpu:{job.Gpus}"));
        }

        return args;
    }

    /// <summary>The job script: environment (secrets included), port choice, report-in, exec of the server.</summary>
    public static string Script(SpawnRequest request, SlurmSpawnerOptions options)
    {
        var env = new SortedDictionary<string, string>(request.Environment.ToDictionary(), StringComparer.Ordinal);
        var api = options.ConnectUrl is { } connect
            ? new Uri(connect, "hub/api").ToString()
            : env.GetValueOrDefault("JUPYTERHUB_API_URL", "").TrimEnd('/');
        env["JUPYTERHUB_API_URL"] = api;
        env["JUPYTERHUB_ACTIVITY_URL"] = $"{api}/users/{request.UserName}/activity";
        env["CLASSHUB_ADDRESS_URL"] = $"{api}/users/{request.UserName}/server/address";

        var s = new StringBuilder();
        s.Append("#!/bin/sh\n");
        s.Append(CultureInfo.InvariantCulture, $"# classhub: the single-user server of {request.UserName}. Generated; holds the server's token, so it is submitted on stdin.\n");
        s.Append("set -eu\numask 077\n");
        foreach (var (key, value) in env)
        {
            if (!IsEnvironmentName(key))
            {
                throw new ArgumentException($"'{key}' is not a valid environment variable name", nameof(request));
            }

            s.Append(CultureInfo.InvariantCulture, $"export {key}={Quote(value)}\n");
        }

        s.Append("CLASSHUB_PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind((\"\", 0)); print(s.getsockname()[1]); s.close()')\n");
        s.Append("CLASSHUB_HOST=$(hostname -f 2>/dev/null || hostname)\n");
        s.Append(CultureInfo.InvariantCulture, $"export JUPYTERHUB_SERVICE_URL=\"http://$CLASSHUB_HOST:$CLASSHUB_PORT{request.ServicePrefix}\"\n");
        s.Append("python3 -c '").Append(ReportIn).Append("' \"$CLASSHUB_HOST\" \"$CLASSHUB_PORT\"\n");
        s.Append("exec");
        foreach (var word in request.Command)
        {
            s.Append(' ').Append(Quote(word));
        }

        s.Append(" --ip=0.0.0.0 --port=\"$CLASSHUB_PORT\"\n");
        return s.ToString();
    }

    // Python without single quotes (it sits inside '...'): POST {"host","port"} with the server's token, retrying
    // while the hub is briefly unreachable; a refusal (4xx) ends the job with the hub's message.
    private const string ReportIn =
        "import json, os, sys, time, urllib.request, urllib.error\n" +
        "body = json.dumps({\"host\": sys.argv[1], \"port\": int(sys.argv[2])}).encode()\n" +
        "req = urllib.request.Request(os.environ[\"CLASSHUB_ADDRESS_URL\"], data=body, method=\"POST\", headers={\"Authorization\": \"token \" + os.environ[\"JUPYTERHUB_API_TOKEN\"], \"Content-Type\": \"application/json\"})\n" +
        "for attempt in range(30):\n" +
        "    try:\n" +
        "        urllib.request.urlopen(req, timeout=10).read(); break\n" +
        "    except urllib.error.HTTPError as e:\n" +
        "        sys.exit(\"classhub: the hub refused the address report: %s %s\" % (e.code, e.read().decode(errors=\"replace\")))\n" +
        "    except OSError as e:\n" +
        "        print(\"classhub: hub not reachable (%s), retrying\" % e, file=sys.stderr); time.sleep(2)\n" +
        "else:\n" +
        "    sys.exit(\"classhub: could not reach the hub to report the address\")\n";

    /// <summary>A POSIX shell single-quoted word.</summary>
    public static string Quote(string value) => "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    private static bool IsEnvironmentName(string key) =>
        key.Length > 0 && !char.IsAsciiDigit(key[0]) && key.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');
}
