using System.Text;
using System.Text.Json.Nodes;
using AccessTokenGateway.Grants;

namespace AccessTokenGateway.Tests.Grants;

/// <summary>Revert messages are believed only when sealed with the key, unaltered, and exactly of their form.</summary>
public sealed class RevertMessageSignerTests
{
    private const string Key = "unit-test-revert-key-0123456789abcdef";
    private static readonly RevertMessage Message = new("019ac6a8e41b7c3f9a1d2e0b5c8f7a61", "312", new DateTimeOffset(2026, 12, 1, 18, 0, 0, TimeSpan.Zero), new string('a', 32), 0);

    [Fact]
    public void A_sealed_message_opens_as_itself()
    {
        Assert.Equal(Message, RevertMessageSigner.Open(RevertMessageSigner.Seal(Message, Key), Key));
    }

    [Theory]
    [InlineData("grant_id", "\"019ac6a8e41b7c3f9a1d2e0b5c8f7a62\"")]
    [InlineData("token_id", "\"313\"")]
    [InlineData("expires_at", "0")]
    [InlineData("nonce", "\"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\"")]
    [InlineData("attempt", "7")]
    public void Any_altered_member_breaks_the_seal(string member, string value)
    {
        var node = JsonNode.Parse(RevertMessageSigner.Seal(Message, Key))!;
        node[member] = JsonNode.Parse(value);

        Assert.Null(RevertMessageSigner.Open(Encoding.UTF8.GetBytes(node.ToJsonString()), Key));
    }

    [Fact]
    public void A_key_shorter_than_32_bytes_is_never_used()
    {
        Assert.Throws<AccessTokenGateway.Outcomes.DependencyUnavailableException>(() => RevertMessageSigner.Usable("short"));
        Assert.Equal(Key, RevertMessageSigner.Usable(Key));
    }

    [Fact]
    public void Another_key_or_another_form_is_refused()
    {
        var node = JsonNode.Parse(RevertMessageSigner.Seal(Message, Key))!;
        node["extra"] = true;

        Assert.Null(RevertMessageSigner.Open(RevertMessageSigner.Seal(Message, "another-key-entirely-0123456789abcdef"), Key));
        Assert.Null(RevertMessageSigner.Open(Encoding.UTF8.GetBytes(node.ToJsonString()), Key));
        Assert.Null(RevertMessageSigner.Open("not json"u8, Key));
    }
}
