using AccessTokenGateway.Audit;

namespace AccessTokenGateway.Tests.Audit;

/// <summary>GET /api/audit's parameters: anything unexpected is refused, naming the parameter, never guessed at.</summary>
public sealed class AuditQueryTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    private static (AuditQuery? Query, string? Field) Parse(params (string Name, string Value)[] parameters)
    {
        var (query, error) = AuditQuery.Parse(parameters.Select(p => new KeyValuePair<string, string?>(p.Name, p.Value)), Now);
        return (query, (string?)error?["field"]);
    }

    [Fact]
    public void Defaults_are_the_last_30_days_100_at_a_time()
    {
        var (query, _) = Parse();
        Assert.Equal((Now.AddDays(-30), Now, 100, null, null), (query!.Since, query.Until, query.Limit, query.TokenId, query.Outcome));
    }

    [Theory]
    [InlineData("token_id", "../312")]
    [InlineData("token_id", "")]
    [InlineData("outcome", "APPLIED")]
    [InlineData("since", "yesterday")]
    [InlineData("since", "2026-11-01T00:00:00")]          // no offset: ambiguous
    [InlineData("until", "2026-13-01T00:00:00Z")]
    [InlineData("page[limit]", "0")]
    [InlineData("page[limit]", "501")]
    [InlineData("page[limit]", "-1")]
    [InlineData("page[cursor]", "not-a-cursor")]
    [InlineData("token", "312")]                           // unknown parameter
    public void An_invalid_parameter_is_refused_by_name(string name, string value)
    {
        var (query, field) = Parse((name, value));
        Assert.Null(query);
        Assert.Equal(name, field);
    }

    [Fact]
    public void A_parameter_given_twice_or_a_range_too_long_or_backwards_is_refused()
    {
        Assert.Equal("token_id", Parse(("token_id", "312"), ("token_id", "313")).Field);
        Assert.Equal("since", Parse(("since", "2020-01-01T00:00:00Z")).Field);
        Assert.Equal("since", Parse(("since", "2026-12-01T12:00:01Z"), ("until", "2026-12-01T12:00:00Z")).Field);
    }

    [Fact]
    public void A_cursor_round_trips_and_orders_newest_first_then_by_chain_then_latest_seq()
    {
        var at = Now.UtcTicks;
        var cursor = new AuditCursor(at, "2026-12-01/host-a-0001", 7);
        Assert.Equal(cursor, AuditCursor.Parse(cursor.Encode()));
        var (query, _) = Parse(("page[cursor]", cursor.Encode()));
        Assert.Equal(cursor, query!.After);

        AuditCursor[] expected =
        [
            new(at + 1, "2026-12-01/host-b-0001", 1),
            new(at, "2026-12-01/host-a-0001", 8),
            new(at, "2026-12-01/host-a-0001", 7),
            new(at, "2026-12-01/host-b-0001", 9),
            new(at - 1, "2026-12-01/host-a-0001", 2),
        ];
        Assert.Equal(expected, expected.Reverse().Order());
    }
}
