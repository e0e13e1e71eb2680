using System.Text.Json.Nodes;
using IopPlatform.Api.Hosting;
using Microsoft.OpenApi;
using Xunit;

namespace IopPlatform.Api.Tests.Host;

public sealed class OpenApiExamplesTests
{
    private static string? Text(OpenApiSchema schema, string? name = null) => OpenApiExamples.Leaf(schema, name)?.GetValue<string>();

    [Fact]
    public void Formats_get_their_fixed_values()
    {
        Assert.Equal(OpenApiExamples.Uuid, Text(new OpenApiSchema { Type = JsonSchemaType.String, Format = "uuid" }));
        Assert.Equal("2026-03-02T18:00:00Z", Text(new OpenApiSchema { Type = JsonSchemaType.String, Format = "date-time" }));
        Assert.Equal("2026-03-02", Text(new OpenApiSchema { Type = JsonSchemaType.String | JsonSchemaType.Null, Format = "date" }));
    }

    [Fact]
    public void Strings_fit_their_length_bounds()
    {
        Assert.Equal("Rive", Text(new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = 4 }, "name"));
        Assert.Equal("examplexxx", Text(new OpenApiSchema { Type = JsonSchemaType.String, MinLength = 10 }));
    }

    [Theory]
    [InlineData(@"^[a-z][a-z0-9]*-[0-9]+:[0-9]+(\.[0-9]+)?$", null, "asam-3:2.1")]
    [InlineData(@"^[A-TV-Z][0-9][0-9AB](\.[0-9A-TV-Z]{1,4})?$", null, "F32.1")]
    [InlineData(@"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$", "preferredLanguage", "en")]
    [InlineData(@"^[A-Za-z0-9][A-Za-z0-9._-]*$", "mrn", "MRN-004217")]
    [InlineData(@"^[A-Za-z_]+(/[A-Za-z_]+)*$", "timeZone", "America/Chicago")]
    [InlineData(@"^[A-Za-z_]+/[A-Za-z_]+$", null, "America/Chicago")]
    public void Patterns_get_the_name_hint_or_the_first_known_value_that_matches(string pattern, string? name, string expected) =>
        Assert.Equal(expected, Text(new OpenApiSchema { Type = JsonSchemaType.String, Pattern = pattern }, name));

    [Fact]
    public void A_pattern_no_known_value_matches_gets_no_example() =>
        Assert.Null(OpenApiExamples.Leaf(new OpenApiSchema { Type = JsonSchemaType.String, Pattern = "^[0-9]{9}$" }, "npi"));

    [Fact]
    public void Numbers_stay_within_their_bounds()
    {
        Assert.Equal(5, OpenApiExamples.Leaf(new OpenApiSchema { Type = JsonSchemaType.Integer, Minimum = "5", Maximum = "10" }, null)!.GetValue<long>());
        Assert.Equal(0, OpenApiExamples.Leaf(new OpenApiSchema { Type = JsonSchemaType.Integer, Minimum = "-3", Maximum = "0" }, null)!.GetValue<long>());
        var ratio = OpenApiExamples.Leaf(new OpenApiSchema { Type = JsonSchemaType.Number, Minimum = "0", Maximum = "1" }, null)!.GetValue<double>();
        Assert.InRange(ratio, 0, 1);
    }

    [Fact]
    public void Enums_take_their_first_value() =>
        Assert.Equal("adult", Text(new OpenApiSchema { Type = JsonSchemaType.String, Enum = [JsonValue.Create("adult"), JsonValue.Create("adolescent")] }));

    [Fact]
    public void Bodies_leave_out_read_only_members_in_requests_and_fail_on_a_required_member_without_example()
    {
        var schema = new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Properties = new Dictionary<string, IOpenApiSchema>
            {
                ["id"] = new OpenApiSchema { Type = JsonSchemaType.String, Format = "uuid", ReadOnly = true },
                ["count"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Minimum = "2", Maximum = "9" },
            },
        };
        var builder = new OpenApiExamples.ExampleBuilder(null);

        var request = Assert.IsType<JsonObject>(builder.Build(schema, OpenApiExamples.Direction.Request));
        Assert.False(request.ContainsKey("id"));
        Assert.Equal(2, request["count"]!.GetValue<long>());
        Assert.True(Assert.IsType<JsonObject>(builder.Build(schema, OpenApiExamples.Direction.Response)).ContainsKey("id"));

        schema.Properties["npi"] = new OpenApiSchema { Type = JsonSchemaType.String, Pattern = "^[0-9]{9}$" };
        schema.Required = new HashSet<string> { "npi" };
        Assert.Null(builder.Build(schema, OpenApiExamples.Direction.Request));
    }
}
