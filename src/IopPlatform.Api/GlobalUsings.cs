// Namespaces most files of this project use (kept here so each file lists only what is particular to it).
global using System.Globalization;
global using System.Text.Json.Nodes;
global using IopPlatform.BuildingBlocks.Data;
global using IopPlatform.BuildingBlocks.Http;
global using IopPlatform.BuildingBlocks.Security;
global using Microsoft.AspNetCore.Authorization;
global using Microsoft.AspNetCore.Mvc;
global using Microsoft.OpenApi;
global using Swashbuckle.AspNetCore.SwaggerGen;
