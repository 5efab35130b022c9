using System.Globalization;
using DatoCmsSimulator;

// dotnet run --project tools/DatoCmsSimulator -- [--port 7080] [--token <bearer>]... [--rate-limit N] [--window-seconds S] [--latency-ms MS]
var port = 7080;
var tokens = new List<string>();
var options = new SimulatorOptions();
TimeSpan latency = TimeSpan.Zero;
for (var i = 0; i < args.Length; i++)
{
    string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
    switch (args[i])
    {
        case "--port": port = int.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "--token": tokens.Add(Next()); break;
        case "--rate-limit": options.RateLimitPerWindow = int.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "--window-seconds": options.RateLimitWindow = TimeSpan.FromSeconds(double.Parse(Next(), CultureInfo.InvariantCulture)); break;
        case "--latency-ms": latency = TimeSpan.FromMilliseconds(double.Parse(Next(), CultureInfo.InvariantCulture)); break;
        case "--help" or "-h":
            Console.WriteLine("usage: DatoCmsSimulator [--port 7080] [--token <bearer>]... [--rate-limit 60] [--window-seconds 3] [--latency-ms 0]");
            return 0;
        default:
            Console.Error.WriteLine($"unknown argument: {args[i]}");
            return 2;
    }
}
if (tokens.Count > 0)
{
    options.ApiTokens.Clear();
    foreach (var t in tokens) options.ApiTokens.Add(t);
}

await using var server = await SimulatorServer.StartCoreAsync(options, TimeProvider.System, port, standalone: true, CancellationToken.None);
server.State.Faults.SetLatency(latency);
Console.WriteLine($"DatoCMS CMA simulator listening on {server.BaseUrl} (rate limit {options.RateLimitPerWindow}/{options.RateLimitWindow.TotalSeconds}s, admin at {server.BaseUrl}_simulator/)");
Console.WriteLine($"seed: editable tokens {Seed.EditableTokenId}, {Seed.SecondEditableTokenId}, {Seed.BulkTokenIds[0]}-{Seed.BulkTokenIds[^1]}; built-in {Seed.ReadOnlyBuiltInTokenId} (readonly), {Seed.AdminBuiltInTokenId} (admin); roles {Seed.EditorRoleId} Editor, {Seed.AdminRoleId} Admin, {Seed.ViewerRoleId} Viewer");
await server.WaitForShutdownAsync();
return 0;
