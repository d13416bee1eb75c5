package com.acme.tracking;

import jakarta.servlet.http.HttpServlet;

public class TrackingServlet extends HttpServlet {
    private final String carrierApi = System.getenv("CARRIER_API_URL");
}
