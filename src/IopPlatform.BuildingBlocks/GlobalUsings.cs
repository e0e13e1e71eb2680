// Namespaces most files of this project use (kept here so each file lists only what is particular to it).
global using System.Data.Common;
global using System.Diagnostics;
global using System.Globalization;
global using System.Reflection;
global using System.Text.Json;
global using Dapper;
global using FluentValidation;
global using IopPlatform.BuildingBlocks.Data;
global using IopPlatform.BuildingBlocks.Errors;
global using IopPlatform.BuildingBlocks.Security;
global using MediatR;
global using Microsoft.AspNetCore.Builder;
global using Microsoft.AspNetCore.Http;
global using Microsoft.Extensions.DependencyInjection;
global using Microsoft.Extensions.Logging;
