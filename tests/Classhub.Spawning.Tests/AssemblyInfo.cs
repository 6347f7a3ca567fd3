using System.Runtime.Versioning;

// The spawner and these tests use Linux processes, users and /proc.
[assembly: SupportedOSPlatform("linux")]
