using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using CsCheck;

namespace AccessTokenGateway.Tests.Support;

/// <summary>
/// Change requests: valid documents, then mutated — members dropped, added and retyped, duplicated, nested deep,
/// strings made huge or odd, bytes made invalid UTF-8 or unpaired surrogate escapes, the whole body replaced. Every
/// choice is read from a list of numbers CsCheck generates and shrinks; 0 is always the plainest choice, so a
/// shrunk failure is a document with as few and as simple mutations as still fail.
/// </summary>
public static class ChangeRequestGen
{
    public static Gen<GeneratedChangeRequest> For(DateTimeOffset now, bool overHttp) =>
        Gen.UInt.Array[0, 48].Select(values => Build(new Choices(values), now, overHttp));

    private static readonly string[] ValidIds = ["312", "313", "400", "100", "999999"];
    private static readonly string[] InvalidIds = ["a b", "x" + new string('1', 64), "<id>", "３１２", "312;", "ÿ"];
    private static readonly string[] Roles = ["34", "35", "36"];
    private static readonly string[] Names = ["Read-only API token", "Renamed", "Preview", "Ünïcødé név", "名前", "Emoji 😀 token", "x"];
    private static readonly string?[] ContentTypes =
        ["application/vnd.api+json", "application/json", "application/json; charset=utf-8", "text/plain", "application/vnd.api+json; charset=latin1", "application/vnd.api+json; ext=x", null];

    private static readonly string[] MemberNames =
    [
        "type", "id", "attributes", "relationships", "data", "meta", "name", "can_access_cda", "can_access_cda_preview", "can_access_cma",
        "token", "hardcoded_type", "last_cma_access", "last_cda_access", "role", "requested_by", "approved_by", "reason", "ticket", "dry_run",
        "expected", "expires_at", "role_id", "links", "included", "x", "", "Name", "ID", "na\u0000me", "\u202Ename", "名前", "😀",
    ];

    private static readonly string[] OddStrings =
    [
        "", " ", "\u00A0", "\t", "a\u0000b", "a\nb", "line\u2028sep", "para\u2029sep", "\u202Eevil", "e\u0301", "😀", "\uFEFF", "\u007F",
        "null", "true", "<script>alert(1)</script>", "access_token", "role", "34", "312", "../35", "' OR 1=1 --", "%00", "\\", "\"",
    ];

    private static readonly byte[][] RawStrings =
    [
        [0xC0, 0xAF],                           // overlong '/'
        [0xED, 0xA0, 0x80],                     // an encoded surrogate
        [0xE2, 0x82],                           // truncated
        [0xFF],                                 // never UTF-8
        [0x80],                                 // a lone continuation byte
        [0xF4, 0x90, 0x80, 0x80],               // above U+10FFFF
        "\\ud800"u8.ToArray(),                  // unpaired high surrogate escape
        "\\udc00x"u8.ToArray(),                 // unpaired low surrogate escape
        "\\ud83d\\ude00"u8.ToArray(),           // a proper pair (valid)
        "\\u0000"u8.ToArray(),                  // NUL, escaped (valid JSON, refused as a control character where text is checked)
        "\\u0041"u8.ToArray(),                  // 'A', escaped (valid)
        [0xF0, 0x9F, 0x98, 0x80],               // 😀 raw (valid)
    ];

    private static GeneratedChangeRequest Build(Choices c, DateTimeOffset now, bool overHttp)
    {
        var steps = new List<string>();
        var routeId = c.Rarely(15) ? Step(steps, "route id", c.Pick(InvalidIds)) : c.Pick(ValidIds);
        var document = ValidDocument(c, routeId, now, overHttp, steps);
        var deferred = new Deferred();

        for (var n = c.Next(5); n > 0; n--) Mutate(c, document, deferred, steps);

        var relaxed = c.Next(2) == 1;
        var text = document.ToJsonString(new JsonSerializerOptions { Encoder = relaxed ? JavaScriptEncoder.UnsafeRelaxedJsonEscaping : JavaScriptEncoder.Default });
        foreach (var (placeholder, name) in deferred.Duplicates)
            text = text.Replace(JsonSerializer.Serialize(placeholder), JsonSerializer.Serialize(name), StringComparison.Ordinal);
        var body = Encoding.UTF8.GetBytes(text);
        foreach (var (placeholder, bytes) in deferred.Raw) body = Splice(body, Encoding.UTF8.GetBytes(placeholder), bytes);

        if (c.Rarely(8)) body = WholeBody(c, body, steps);
        var contentType = overHttp && c.Rarely(12) ? Step(steps, "content type", c.Pick(ContentTypes)) : "application/vnd.api+json";
        return new GeneratedChangeRequest(routeId, body, contentType, steps);
    }

    private static JsonObject ValidDocument(Choices c, string routeId, DateTimeOffset now, bool overHttp, List<string> steps)
    {
        var document = new JsonObject
        {
            ["data"] = new JsonObject
            {
                ["type"] = "access_token",
                ["id"] = routeId,
                ["attributes"] = new JsonObject
                {
                    ["name"] = c.Pick(Names),
                    ["can_access_cda"] = c.Next(2) == 0,
                    ["can_access_cda_preview"] = c.Next(2) == 1,
                    ["can_access_cma"] = c.Next(4) == 3,
                },
                ["relationships"] = new JsonObject { ["role"] = new JsonObject { ["data"] = new JsonObject { ["type"] = "role", ["id"] = c.Pick(Roles) } } },
            },
        };
        if (c.Next(2) == 1)
        {
            var meta = new JsonObject();
            if (c.Next(2) == 1) meta["requested_by"] = "alice@example.com";
            if (c.Next(2) == 1) meta["approved_by"] = c.Next(2) == 0 ? "bob@example.com" : "alice@example.com";
            if (c.Next(2) == 1) meta["reason"] = "Because the launch needs it";
            if (c.Next(3) == 2) meta["ticket"] = "CHG-" + c.Next(10_000);
            if (c.Next(2) == 1) meta["dry_run"] = c.Next(2) == 1;
            if (c.Next(4) == 3)
                meta["expected"] = new JsonObject
                {
                    ["name"] = c.Pick(Names), ["can_access_cda"] = true, ["can_access_cda_preview"] = false, ["can_access_cma"] = false,
                    ["role_id"] = c.Next(3) == 0 ? null : c.Pick(Roles),
                };
            // Over HTTP an expiry would schedule a real revert on the shared queue; in process it is only checked.
            if (!overHttp && c.Next(3) == 2)
            {
                string[] expiries =
                [
                    now.AddDays(1).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
                    now.AddHours(2).ToString("yyyy-MM-ddTHH:mm:ss.fffzzz", CultureInfo.InvariantCulture),
                    now.AddDays(7).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
                    // Not valid ones:
                    "2000-01-01T00:00:00Z", now.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
                    now.AddDays(7).AddSeconds(1).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
                    "tomorrow", "2026-13-01T00:00:00Z", now.AddDays(1).ToString("yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture),
                ];
                var pick = c.Next(expiries.Length);
                meta["expires_at"] = pick < 3 ? expiries[pick] : Step(steps, "expires_at", expiries[pick]);
            }
            document["meta"] = meta;
        }
        return document;
    }

    private static void Mutate(Choices c, JsonObject document, Deferred deferred, List<string> steps)
    {
        var objects = Containers(document).OfType<JsonObject>().ToList();
        var slots = Slots(document).ToList();
        switch (c.Next(8))
        {
            case 0 when objects.Any(o => o.Count > 0):
            {
                var target = c.Pick(objects.Where(o => o.Count > 0).ToList());
                var name = c.Pick(target.Select(p => p.Key).ToList());
                target.Remove(name);
                steps.Add($"dropped {target.GetPath()}.{name}");
                break;
            }
            case 1:
            {
                var target = c.Pick(objects);
                var name = c.Pick(MemberNames);
                if (target.ContainsKey(name)) goto default;
                target[name] = Value(c);
                steps.Add($"added {target.GetPath()}.{name}");
                break;
            }
            case 2 when slots.Count > 0:
            {
                var (parent, key) = c.Pick(slots);
                Set(parent, key, Value(c));
                steps.Add($"retyped {parent.GetPath()}[{key}]");
                break;
            }
            case 3 when slots.Count > 0:
            {
                var (parent, key) = c.Pick(slots);
                var length = c.Pick([255, 256, 2000, 2001, 5000, 70_000]);
                Set(parent, key, new string(c.Pick(['x', ' ', 'é', '\u0001']), length));
                steps.Add($"{length}-character string at {parent.GetPath()}[{key}]");
                break;
            }
            case 4 when slots.Count > 0:
            {
                var (parent, key) = c.Pick(slots);
                var depth = 1 + c.Next(12);
                Set(parent, key, Nested(depth, c.Next(2) == 1));
                steps.Add($"nested {depth} deep at {parent.GetPath()}[{key}]");
                break;
            }
            case 5 when slots.Count > 0:
            {
                var (parent, key) = c.Pick(slots);
                Set(parent, key, c.Pick(OddStrings));
                steps.Add($"odd string at {parent.GetPath()}[{key}]");
                break;
            }
            case 6 when objects.Any(o => o.Count > 0):
            {
                var target = c.Pick(objects.Where(o => o.Count > 0).ToList());
                var original = c.Pick(target.ToList());
                var placeholder = "zz-duplicate-" + deferred.Duplicates.Count;
                target[placeholder] = c.Next(2) == 0 ? original.Value?.DeepClone() : Value(c);
                deferred.Duplicates.Add((placeholder, original.Key));
                steps.Add($"duplicated {target.GetPath()}.{original.Key}");
                break;
            }
            case 7 when slots.Count > 0:
            {
                var (parent, key) = c.Pick(slots);
                var placeholder = "zz-raw-" + deferred.Raw.Count;
                var bytes = c.Pick(RawStrings);
                Set(parent, key, placeholder);
                deferred.Raw.Add((placeholder, bytes));
                steps.Add($"raw bytes {Convert.ToHexString(bytes)} at {parent.GetPath()}[{key}]");
                break;
            }
            default:
                steps.Add("no-op");
                break;
        }
    }

    private static byte[] WholeBody(Choices c, byte[] body, List<string> steps)
    {
        switch (c.Next(8))
        {
            case 0: steps.Add("empty body"); return [];
            case 1: steps.Add("body null"); return "null"u8.ToArray();
            case 2: steps.Add("body an array"); return [.. "["u8, .. body, .. "]"u8];
            case 3: steps.Add("body a string"); return "\"access_token\""u8.ToArray();
            case 4:
                var cut = body.Length == 0 ? 0 : c.Next(body.Length);
                steps.Add($"truncated at {cut}");
                return body[..cut];
            case 5: steps.Add("trailing garbage"); return [.. body, .. " x"u8];
            case 6: steps.Add("byte order mark"); return [0xEF, 0xBB, 0xBF, .. body];
            default: steps.Add("comment"); return [.. "/* c */"u8, .. body];
        }
    }

    private static JsonNode? Value(Choices c) => c.Next(12) switch
    {
        0 => null,
        1 => true,
        2 => false,
        3 => 0,
        4 => c.Next(2) == 0 ? -1.5 : 1e300,
        5 => c.Pick(OddStrings),
        6 => new JsonArray(),
        7 => new JsonArray(1, "x"),
        8 => new JsonObject(),
        9 => new JsonObject { ["type"] = "role", ["id"] = "34" },
        10 => new JsonObject { ["type"] = "access_token", ["id"] = "312" },
        _ => "x",
    };

    private static JsonNode Nested(int depth, bool arrays)
    {
        JsonNode node = arrays ? new JsonArray() : new JsonObject();
        for (var i = 1; i < depth; i++) node = arrays ? new JsonArray(node) : new JsonObject { ["x"] = node };
        return node;
    }

    private static IEnumerable<JsonNode> Containers(JsonNode node)
    {
        yield return node;
        IEnumerable<JsonNode?> children = node switch
        {
            JsonObject o => o.Select(p => p.Value),
            JsonArray a => a,
            _ => [],
        };
        foreach (var child in children)
        {
            if (child is JsonObject or JsonArray)
            {
                foreach (var inner in Containers(child)) yield return inner;
            }
        }
    }

    /// <summary>Every place a value sits: (object, member name) or (array, index).</summary>
    private static IEnumerable<(JsonNode Parent, object Key)> Slots(JsonNode root) =>
        Containers(root).SelectMany(container => container switch
        {
            JsonObject o => o.Select(p => (Parent: (JsonNode)o, Key: (object)p.Key)),
            JsonArray a => Enumerable.Range(0, a.Count).Select(i => (Parent: (JsonNode)a, Key: (object)i)),
            _ => [],
        });

    private static void Set(JsonNode parent, object key, JsonNode? value)
    {
        if (parent is JsonObject o) o[(string)key] = value;
        else ((JsonArray)parent)[(int)key] = value;
    }

    private static byte[] Splice(byte[] body, byte[] placeholder, byte[] replacement)
    {
        var at = body.AsSpan().IndexOf(placeholder);
        return at < 0 ? body : [.. body[..at], .. replacement, .. body[(at + placeholder.Length)..]];
    }

    private static T Step<T>(List<string> steps, string what, T value)
    {
        steps.Add($"{what} {value}");
        return value;
    }

    private sealed class Deferred
    {
        public List<(string Placeholder, string Name)> Duplicates { get; } = [];
        public List<(string Placeholder, byte[] Bytes)> Raw { get; } = [];
    }

    /// <summary>Choices read from generated numbers; past the end, or shrunk to 0, every choice is the first.</summary>
    private sealed class Choices(uint[] values)
    {
        private int _next;

        public int Next(int count) => _next < values.Length ? (int)(values[_next++] % (uint)count) : 0;

        /// <summary>True about <paramref name="percent"/>% of the time; false for a shrunk (zero) choice.</summary>
        public bool Rarely(int percent) => Next(100) >= 100 - percent;

        public T Pick<T>(IReadOnlyList<T> items) => items[Next(items.Count)];
    }
}
