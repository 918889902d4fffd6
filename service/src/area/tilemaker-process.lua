-- Rota's tilemaker profile: turns an OpenStreetMap extract into the few layers the app's map
-- draws (see service/src/area/mod.rs and docs/areas.md). Layers and attributes:
--   water (kind), parks (kind, name), landuse (kind), buildings, rail (kind),
--   roads (kind: major | street | minor | path; name), places (kind, name).

node_keys = { "place", "railway", "amenity", "tourism" }

function init_function()
end

function exit_function()
end

local major = { motorway = true, motorway_link = true, trunk = true, trunk_link = true,
  primary = true, primary_link = true, secondary = true, secondary_link = true }
local street = { tertiary = true, tertiary_link = true, residential = true, unclassified = true,
  living_street = true, road = true }
local minor = { service = true, pedestrian = true }
local path = { footway = true, cycleway = true, path = true, steps = true, track = true, bridleway = true }

local park = { park = "park", garden = "garden", playground = "park", pitch = "park",
  recreation_ground = "park", grass = "grass", cemetery = "cemetery", forest = "wood", wood = "wood",
  meadow = "grass", village_green = "grass" }

local function set_name(obj)
  local name = obj:Find("name")
  if name ~= "" then obj:Attribute("name", name) end
end

function node_function(node)
  local place = node:Find("place")
  local station = node:Find("railway")
  local name = node:Find("name")
  if name == "" then return end
  if place == "square" or place == "neighbourhood" or place == "quarter" or place == "suburb" then
    node:Layer("places", false)
    node:Attribute("kind", place)
    node:Attribute("name", name)
  elseif station == "station" then
    node:Layer("places", false)
    node:Attribute("kind", "station")
    node:Attribute("name", name)
  end
end

function way_function(way)
  local highway = way:Find("highway")
  local railway = way:Find("railway")
  local natural = way:Find("natural")
  local waterway = way:Find("waterway")
  local landuse = way:Find("landuse")
  local leisure = way:Find("leisure")
  local building = way:Find("building")
  local area = way:IsClosed()

  if natural == "water" or landuse == "basin" or landuse == "reservoir" or waterway == "riverbank" or waterway == "dock" then
    if area then
      way:Layer("water", true)
      way:Attribute("kind", "water")
      return
    end
  end
  if waterway ~= "" and not area then
    way:Layer("water", false)
    way:Attribute("kind", waterway)
    return
  end
  if natural == "coastline" then
    way:Layer("water", false)
    way:Attribute("kind", "coastline")
    return
  end
  local pk = park[leisure] or park[landuse] or park[natural]
  if pk and area then
    way:Layer("parks", true)
    way:Attribute("kind", pk)
    set_name(way)
    return
  end
  if building ~= "" and area then
    way:Layer("buildings", true)
    return
  end
  if landuse ~= "" and area then
    way:Layer("landuse", true)
    way:Attribute("kind", landuse)
    return
  end
  if highway ~= "" then
    if way:Find("area") == "yes" then
      if highway == "pedestrian" and area then
        way:Layer("landuse", true)
        way:Attribute("kind", "pedestrian")
      end
      return
    end
    local kind = nil
    if major[highway] then kind = "major"
    elseif street[highway] then kind = "street"
    elseif minor[highway] then kind = "minor"
    elseif path[highway] then kind = "path" end
    if kind then
      way:Layer("roads", false)
      way:Attribute("kind", kind)
      set_name(way)
      way:ZOrder(kind == "major" and 4 or kind == "street" and 3 or kind == "minor" and 2 or 1)
    end
    return
  end
  if railway == "rail" or railway == "tram" or railway == "subway" or railway == "light_rail" then
    if way:Find("tunnel") ~= "yes" then
      way:Layer("rail", false)
      way:Attribute("kind", railway)
    end
  end
end
